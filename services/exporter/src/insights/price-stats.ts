import Big from "big.js";

/** Min, max and mean of every variant price, in the currency's major unit. */
export interface PriceRange {
  min: number;
  max: number;
  /** Rounded half-up to 2 decimals. */
  avg: number;
}

/**
 * Accumulates prices as exact decimals, so the mean of 0.10 and 0.20 is 0.15 and sums of
 * thousands of prices never drift. Numbers are only made at the end, for the JSON output.
 */
export class PriceStats {
  private min: Big | null = null;
  private max: Big | null = null;
  private sum = new Big(0);
  private count = 0;

  /** Adds one decimal price string such as "19.99". */
  add(price: string): void {
    const value = new Big(price);
    if (this.min === null || value.lt(this.min)) this.min = value;
    if (this.max === null || value.gt(this.max)) this.max = value;
    this.sum = this.sum.plus(value);
    this.count += 1;
  }

  /** The range, or null when no price was added. */
  result(): PriceRange | null {
    if (this.min === null || this.max === null || this.count === 0) return null;
    const avg = this.sum.div(this.count).round(2, Big.roundHalfUp);
    return { min: this.min.toNumber(), max: this.max.toNumber(), avg: avg.toNumber() };
  }
}
