import { describe, expect, test } from "bun:test";
import { AppError } from "@shopsniffer/shared/errors";
import { type CatalogFacts, completedOutcome, failedOutcome } from "./outcome.ts";

const full: CatalogFacts = {
  productsJsonAvailable: true,
  listCapped: false,
  sitemapProducts: 10,
  missingCount: 0,
  published: 10,
  stored: 10,
};

describe("catalog outcome", () => {
  test("a completed step is partial when products are missing or a cap went uncovered", () => {
    expect(completedOutcome(full)).toBe("complete");
    expect(completedOutcome({ ...full, missingCount: 1 })).toBe("partial");
    expect(completedOutcome({ ...full, stored: 9 })).toBe("partial");
    expect(completedOutcome({ ...full, listCapped: true, sitemapProducts: 0 })).toBe("partial");
    expect(completedOutcome({ ...full, listCapped: true })).toBe("complete");
    expect(completedOutcome({ ...full, productsJsonAvailable: false })).toBe("endpoints_disabled");
  });

  test("a failed step is blocked, rate limited, or has no outcome", () => {
    const blocked = new AppError("upstream_failed", "Blocked by the store (HTTP 430)", true);
    const busy = new AppError("upstream_failed", "The store answered 429", true);
    const seen = (throttled: number) => ({ signals: { throttled, blocked: null }, signal: null });
    expect(failedOutcome(blocked, { ...seen(0), signals: { throttled: 0, blocked: "x" } })).toBe(
      "blocked",
    );
    expect(failedOutcome(busy, seen(3))).toBe("rate_limited");
    expect(failedOutcome(busy, seen(0))).toBeNull();
    expect(failedOutcome(new Error("bug"), seen(3))).toBeNull();
  });

  test("a step given up at its deadline has no outcome, even after the store throttled", () => {
    const deadline = new AbortController();
    deadline.abort(new Error("stage deadline"));
    const throttled = { signals: { throttled: 2, blocked: null }, signal: deadline.signal };
    const internal = new AppError("internal", "stage deadline", true);
    const unreachable = new AppError("store_unreachable", "Could not reach shop.test", true);
    expect(failedOutcome(internal, throttled)).toBeNull();
    expect(failedOutcome(unreachable, throttled)).toBeNull();
    const blocked = new AppError("upstream_failed", "Blocked by the store (HTTP 430)", true);
    expect(failedOutcome(blocked, throttled)).toBe("blocked");
  });
});
