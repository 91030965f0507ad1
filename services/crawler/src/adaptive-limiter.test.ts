import { describe, expect, test } from "bun:test";
import { AdaptiveLimiter } from "./adaptive-limiter.ts";

describe("adaptive concurrency", () => {
  test("a 429 halves the limit down to 1; successes in a row grow it by one up to max", () => {
    const limiter = new AdaptiveLimiter(8, 3);
    expect(limiter.limit).toBe(8);
    limiter.onThrottled();
    expect(limiter.limit).toBe(4);
    for (let i = 0; i < 4; i++) limiter.onThrottled();
    expect(limiter.limit).toBe(1);
    limiter.onSuccess();
    limiter.onSuccess();
    limiter.onThrottled();
    limiter.onSuccess();
    limiter.onSuccess();
    expect(limiter.limit).toBe(1);
    limiter.onSuccess();
    expect(limiter.limit).toBe(2);
    for (let i = 0; i < 100; i++) limiter.onSuccess();
    expect(limiter.limit).toBe(8);
  });

  test("run keeps at most `limit` calls in flight, following the limit as it changes", async () => {
    const limiter = new AdaptiveLimiter(4, 2);
    const gates: Array<() => void> = [];
    let inFlight = 0;
    let peak = 0;
    const task = () =>
      limiter.run(async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise<void>((resolve) => gates.push(resolve));
        inFlight -= 1;
      });
    const settle = () => Bun.sleep(1);
    const all = Promise.all(Array.from({ length: 10 }, task));
    await settle();
    expect(inFlight).toBe(4);

    limiter.onThrottled();
    peak = 0;
    for (const open of gates.splice(0)) open();
    await settle();
    expect(inFlight).toBe(2);

    limiter.onSuccess();
    limiter.onSuccess();
    await settle();
    expect(inFlight).toBe(3);
    while (gates.length > 0) {
      for (const open of gates.splice(0)) open();
      await settle();
    }
    await all;
    expect(peak).toBe(3);
  });
});
