import { describe, expect, test } from "bun:test";
import { parseRetryAfterMs, retryDelayMs } from "./retry-after.ts";

const NOW = Date.parse("2026-01-05T10:00:00Z");

describe("Retry-After", () => {
  test("integer and decimal seconds become milliseconds", () => {
    expect(parseRetryAfterMs("2", NOW)).toBe(2_000);
    expect(parseRetryAfterMs(" 0 ", NOW)).toBe(0);
    expect(parseRetryAfterMs("1.5", NOW)).toBe(1_500);
    expect(parseRetryAfterMs("0.25", NOW)).toBe(250);
  });

  test("an HTTP date is the time left until it; a past date is no wait", () => {
    expect(parseRetryAfterMs("Mon, 05 Jan 2026 10:00:03 GMT", NOW)).toBe(3_000);
    expect(parseRetryAfterMs("Mon, 05 Jan 2026 09:59:00 GMT", NOW)).toBe(0);
  });

  test("absent, negative or garbage values are not understood", () => {
    for (const value of [null, "", "-1", "soon", "1e3", "0x10", "5s", "Mon, 99 Foo"]) {
      expect(parseRetryAfterMs(value, NOW)).toBeNull();
    }
  });

  test("the wait is capped; without a usable header it doubles per attempt", () => {
    expect(retryDelayMs("3600", 1, 30_000)).toBe(30_000);
    expect(retryDelayMs("0.2", 1, 30_000)).toBe(200);
    expect([1, 2, 3].map((attempt) => retryDelayMs("soon", attempt, 30_000))).toEqual([
      500, 1_000, 2_000,
    ]);
    expect(retryDelayMs(null, 10, 1_234)).toBe(1_234);
  });
});

test("only the three HTTP date forms count, read as GMT; words are not a date", () => {
  const now = Date.UTC(2026, 11, 3, 18, 0, 0);
  expect(parseRetryAfterMs("Thu, 03 Dec 2026 18:01:00 GMT", now)).toBe(60_000);
  expect(parseRetryAfterMs("Thursday, 03-Dec-26 18:01:00 GMT", now)).toBe(60_000);
  expect(parseRetryAfterMs("Thu Dec  3 18:01:00 2026", now)).toBe(60_000);
  for (const junk of ["soon 5", "Mon 1", "a 1", "Dec 3"]) {
    expect(parseRetryAfterMs(junk, now)).toBeNull();
  }
});
