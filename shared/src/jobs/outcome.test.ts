import { describe, expect, test } from "bun:test";
import { type OutcomeJob, outcomeOf } from "./outcome.ts";

const running: OutcomeJob = { status: "processing", errorCode: null, errorMessage: null };
const errored = (errorCode: string, errorMessage = "x"): OutcomeJob => ({
  status: "errored",
  errorCode,
  errorMessage,
});

describe("a job's outcome", () => {
  test("comes from the products step's detail once the catalog is classified", () => {
    expect(outcomeOf(running, null)).toBeNull();
    expect(outcomeOf(running, { products: 3 })).toBeNull();
    expect(outcomeOf({ ...running, status: "completed" }, { outcome: "partial" })).toBe("partial");
    expect(outcomeOf(running, { outcome: "not a name" })).toBeNull();
  });

  test("refusals win, and a block before the products step still says blocked", () => {
    expect(outcomeOf(errored("password_protected"), null)).toBe("password_protected");
    expect(outcomeOf(errored("not_shopify"), { outcome: "complete" })).toBe("not_shopify");
    const block = errored("upstream_failed", "Blocked by the store (HTTP 430 on /sitemap.xml)");
    expect(outcomeOf(block, null)).toBe("blocked");
    expect(outcomeOf(errored("upstream_failed", "No sitemap found"), null)).toBeNull();
    expect(outcomeOf(errored("upstream_failed"), { outcome: "rate_limited" })).toBe("rate_limited");
  });
});
