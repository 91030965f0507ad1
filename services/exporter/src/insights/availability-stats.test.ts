import { expect, test } from "bun:test";
import { AvailabilityStats } from "./availability-stats.ts";

test("variants without an available flag are counted apart, not as sold out", () => {
  const stats = new AvailabilityStats();
  const variant = (available: boolean | undefined) => ({ available }) as never;
  stats.add([variant(true), variant(false)]);
  stats.add([variant(undefined), variant(undefined)]);
  expect(stats.result()).toEqual({
    variants_available: 1,
    variants_total: 2,
    variants_unknown: 2,
    share: 0.5,
    products_available: 1,
  });
});
