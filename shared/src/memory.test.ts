import { describe, expect, test } from "bun:test";
import { GarbageGuard } from "./memory.ts";

const MB = 1024 * 1024;

/** A guard whose RSS readings come from `readings`, in order (the last one repeats). */
function guardReading(readings: number[]) {
  let i = 0;
  const rss = () => (readings[Math.min(i++, readings.length - 1)] ?? 0) * MB;
  return new GarbageGuard(200 * MB, 48 * MB, rss);
}

describe("garbage guard", () => {
  test("collects only once resident memory reaches the soft limit", () => {
    const guard = guardReading([150, 199, 230, 120]);
    expect(guard.collectIfOver()).toBe(false);
    expect(guard.collectIfOver()).toBe(false);
    expect(guard.collectIfOver()).toBe(true);
  });

  test("after a collection that freed enough, the soft limit applies again", () => {
    // 230 before, 120 left: the next collection comes at 200, not at 120 + 48.
    const guard = guardReading([230, 120, 190, 205, 100]);
    expect(guard.collectIfOver()).toBe(true);
    expect(guard.collectIfOver()).toBe(false);
    expect(guard.collectIfOver()).toBe(true);
  });

  test("when live data stays above the limit, waits for the headroom before collecting again", () => {
    // 260 before, 250 left: the threshold moves to 298, so pages at 280 do not collect.
    const guard = guardReading([260, 250, 280, 280, 299, 250]);
    expect(guard.collectIfOver()).toBe(true);
    expect(guard.collectIfOver()).toBe(false);
    expect(guard.collectIfOver()).toBe(false);
    expect(guard.collectIfOver()).toBe(true);
  });

  test("the process guard reads real memory and collects", () => {
    const guard = new GarbageGuard(1, 1024 * MB);
    expect(guard.collectIfOver()).toBe(true);
    expect(guard.collectIfOver()).toBe(false);
  });
});
