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
    expect(failedOutcome(blocked, { throttled: 0, blocked: "x" })).toBe("blocked");
    expect(failedOutcome(busy, { throttled: 3, blocked: null })).toBe("rate_limited");
    expect(failedOutcome(busy, { throttled: 0, blocked: null })).toBeNull();
    expect(failedOutcome(new Error("bug"), { throttled: 3, blocked: null })).toBeNull();
  });
});
