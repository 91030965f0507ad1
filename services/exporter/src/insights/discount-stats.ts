import Big from "big.js";
import { share } from "./counters.ts";

/** Variants sold below their compare-at price. */
export interface DiscountInsights {
  /** Variants whose `compare_at_price` is greater than their `price`. */
  count: number;
  /** `count` over every variant (`variant_count`), 0 to 1, rounded half up to 4 decimals. */
  share: number;
  /**
   * Mean discount of those variants in percent of the compare-at price, (compare - price) /
   * compare * 100, rounded half up to 2 decimals; null when no variant is discounted.
   */
  avg_percent: number | null;
  /** The deepest discount in percent, same rounding; null when no variant is discounted. */
  max_percent: number | null;
}

/** Accumulates discounts as exact decimals; rounding happens once, in `result`. */
export class DiscountStats {
  private variants = 0;
  private count = 0;
  private sum = new Big(0);
  private max: Big | null = null;

  /** Adds one variant's exact decimal prices; one without both prices is not discounted. */
  add(price: string | null, compareAtPrice: string | null): void {
    this.variants += 1;
    if (price === null || compareAtPrice === null) return;
    const now = new Big(price);
    const before = new Big(compareAtPrice);
    if (!before.gt(now)) return;

    const percent = before.minus(now).times(100).div(before);
    this.count += 1;
    this.sum = this.sum.plus(percent);
    if (this.max === null || percent.gt(this.max)) this.max = percent;
  }

  result(): DiscountInsights {
    const round = (value: Big) => value.round(2, Big.roundHalfUp).toNumber();
    return {
      count: this.count,
      share: share(this.count, this.variants),
      avg_percent: this.count ? round(this.sum.div(this.count)) : null,
      max_percent: this.max ? round(this.max) : null,
    };
  }
}
