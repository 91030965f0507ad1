import { describe, expect, test } from "bun:test";
import type { StoreFetcher, StoreResponse } from "@shopsniffer/shared/store/fetch";
import { isBlockAnswer, isChallengePage, storeSession } from "./store-session.ts";

describe("block recognition", () => {
  test("430 and a 403 marked as a Cloudflare challenge are blocks; a plain 403 is not", () => {
    expect(isBlockAnswer(new Response(null, { status: 430 }))).toBe(true);
    const challenge = { status: 403, headers: { "cf-mitigated": "challenge" } };
    expect(isBlockAnswer(new Response(null, challenge))).toBe(true);
    expect(isBlockAnswer(new Response(null, { status: 403 }))).toBe(false);
    expect(isBlockAnswer(new Response(null, { status: 429 }))).toBe(false);
  });

  test("a challenge page is told from a theme page carrying Cloudflare's injected script", () => {
    const challenge =
      "<html><head><title>Just a moment...</title></head><body>" +
      "<script>window._cf_chl_opt={cType:'managed'}</script></body></html>";
    const themePage =
      "<html><head><title>Login</title></head><body><form></form>" +
      '<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script></body></html>';
    expect(isChallengePage(challenge)).toBe(true);
    expect(isChallengePage(themePage)).toBe(false);
  });
});

describe("a session bound to the stage's deadline", () => {
  const config = {
    CRAWLER_CONCURRENCY: 2,
    CRAWLER_MAX_RETRY_AFTER_MS: 30_000,
    CRAWLER_CONCURRENCY_GROW_AFTER: 20,
  };

  /** A store that never answers; its request ends only through its signal. */
  function silentStore(): StoreFetcher & { signals: (AbortSignal | undefined)[] } {
    const signals: (AbortSignal | undefined)[] = [];
    const fetcher = (_url: string | URL, init?: RequestInit) => {
      signals.push(init?.signal ?? undefined);
      return new Promise<StoreResponse>((_, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      });
    };
    return Object.assign(fetcher, { signals });
  }

  test("a request in flight and a wait both end when the deadline fires", async () => {
    const deadline = new AbortController();
    const store = silentStore();
    const session = storeSession(store, config, deadline.signal);
    const request = session.fetchStore("https://shop.test/products.json");
    const wait = session.sleep(60_000);
    deadline.abort(new Error("stage deadline"));
    await expect(request).rejects.toThrow("stage deadline");
    await expect(wait).rejects.toThrow("stage deadline");
    await expect(session.sleep(1)).rejects.toThrow("stage deadline");
  });

  test("a request's own signal still works beside the deadline", async () => {
    const deadline = new AbortController();
    const store = silentStore();
    const session = storeSession(store, config, deadline.signal);
    const own = new AbortController();
    const request = session.fetchStore("https://shop.test/", { signal: own.signal });
    own.abort(new Error("request timeout"));
    await expect(request).rejects.toThrow("request timeout");
    expect(deadline.signal.aborted).toBe(false);
  });

  test("without a deadline requests go through untouched", () => {
    const store = silentStore();
    void storeSession(store, config).fetchStore("https://shop.test/");
    expect(store.signals).toEqual([undefined]);
  });
});
