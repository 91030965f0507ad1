import { describe, expect, test } from "bun:test";
import type { StoreFetcher, StoreResponse } from "@shopsniffer/shared/store/fetch";
import { pageAllowed } from "./politeness-robots.ts";
import { storeSession } from "./store-session.ts";

const config = {
  CRAWLER_CONCURRENCY: 2,
  CRAWLER_MAX_RETRY_AFTER_MS: 30_000,
  CRAWLER_CONCURRENCY_GROW_AFTER: 20,
};

/** A store whose requests fail the way an unreachable one does. */
const failing: StoreFetcher = () =>
  Promise.reject<StoreResponse>(new Error("Could not reach shop.test: timed out"));

describe("robots.txt that cannot be read", () => {
  test("keeps every page out while the stage runs", async () => {
    const session = storeSession(failing, config, new AbortController().signal);
    expect(await pageAllowed(session, new URL("https://shop.test/pages/about"))).toBe(false);
  });

  test("after the stage's deadline fired, stops the stage instead of disallowing pages", async () => {
    const deadline = new AbortController();
    const session = storeSession(failing, config, deadline.signal);
    deadline.abort(new Error("stage deadline"));
    await expect(pageAllowed(session, new URL("https://shop.test/pages/about"))).rejects.toThrow(
      "Could not reach shop.test",
    );
  });
});
