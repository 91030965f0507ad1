import { describe, expect, test } from "bun:test";
import { createLogger } from "@shopsniffer/shared/log";
import type { StoreFetcher, StoreResponse } from "@shopsniffer/shared/store/fetch";
import type { CrawlerDeps } from "../context.ts";
import { storeSession } from "../store-session.ts";
import { recordStoreIdentity } from "./identity.ts";

const config = {
  CRAWLER_CONCURRENCY: 2,
  CRAWLER_MAX_RETRY_AFTER_MS: 30_000,
  CRAWLER_CONCURRENCY_GROW_AFTER: 20,
};
const log = createLogger("identity-test", "silent");
// Neither case reaches the database: both end in the failed request.
const deps = {} as CrawlerDeps;

/** A store whose requests fail the way an unreachable one does. */
const failing: StoreFetcher = () =>
  Promise.reject<StoreResponse>(new Error("Could not reach shop.test: timed out"));

describe("the store identity of a sitemap stage", () => {
  test("a store that cannot be reached leaves no identity, without failing the stage", async () => {
    const session = storeSession(failing, config, new AbortController().signal);
    expect(await recordStoreIdentity(deps, "job-1", "shop.test", session, log)).toBeNull();
  });

  test("once the stage's deadline fired, the failed request stops the stage", async () => {
    const deadline = new AbortController();
    const session = storeSession(failing, config, deadline.signal);
    deadline.abort(new Error("stage deadline"));
    const identity = recordStoreIdentity(deps, "job-1", "shop.test", session, log);
    await expect(identity).rejects.toThrow("Could not reach shop.test");
  });
});
