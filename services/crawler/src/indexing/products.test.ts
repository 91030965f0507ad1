import { describe, expect, test } from "bun:test";
import { AppError } from "@shopsniffer/shared/errors";
import type { StoreFetcher } from "@shopsniffer/shared/store/fetch";
import { storeSession } from "../store-session.ts";
import type { IndexingContext } from "./context.ts";
import { indexProducts } from "./products.ts";

describe("a products step whose deadline fired", () => {
  test("stops at the failed /meta.json instead of reading on without its count", async () => {
    const asked: string[] = [];
    // What the pinned fetch throws when the deadline aborts a request.
    const unreachable: StoreFetcher = async (url) => {
      asked.push(new URL(url).pathname);
      throw new AppError("store_unreachable", "Could not reach shop.test: aborted", true);
    };
    const deadline = new AbortController();
    const config = {
      CRAWLER_CONCURRENCY: 2,
      CRAWLER_MAX_RETRY_AFTER_MS: 30_000,
      CRAWLER_CONCURRENCY_GROW_AFTER: 20,
    };
    const session = storeSession(unreachable, config, deadline.signal);
    deadline.abort(new Error("stage deadline"));
    // No database: a step that went on past the abort would fail on it instead.
    const ctx = { jobId: "job-1", base: "https://shop.test", session } as IndexingContext;
    await expect(indexProducts(ctx)).rejects.toThrow("Could not reach shop.test");
    expect(asked).toEqual(["/meta.json"]);
  });
});
