import Big from "big.js";

/** How many buckets `price_histogram` has when prices differ. */
export const HISTOGRAM_BUCKETS = 10;

/**
 * One bucket of variant prices, in the currency's major unit: `from <= price < to`, except
 * the last bucket, which also holds `to` (the highest price).
 */
export interface PriceBucket {
  from: number;
  to: number;
  count: number;
}

/**
 * Counts prices by distinct value while streaming (a catalog has far fewer distinct prices
 * than variants), then spreads them over equal-width buckets once the range is known. Edges
 * are exact: a range divided by 10 always has a finite decimal expansion.
 */
export class PriceHistogram {
  private readonly counts = new Map<string, number>();

  /**
   * Adds one exact decimal price string such as "19.99". Equal prices written differently
   * ("5", "5.00") get separate entries and still land in the same bucket.
   */
  add(price: string): void {
    this.counts.set(price, (this.counts.get(price) ?? 0) + 1);
  }

  /** The buckets; one bucket when every price is the same, none when there is no price. */
  result(): PriceBucket[] {
    const prices = [...this.counts.entries()].map(([key, count]) => ({ value: Big(key), count }));
    const [first, ...rest] = prices;
    if (!first) return [];
    let min = first.value;
    let max = first.value;
    for (const { value } of rest) {
      if (value.lt(min)) min = value;
      if (value.gt(max)) max = value;
    }
    if (min.eq(max)) {
      const total = prices.reduce((n, p) => n + p.count, 0);
      return [{ from: min.toNumber(), to: max.toNumber(), count: total }];
    }
    return spread(prices, min, max);
  }
}

/** Equal-width buckets from `min` to `max`, filled by exact comparison with their edges. */
function spread(prices: Array<{ value: Big; count: number }>, min: Big, max: Big): PriceBucket[] {
  const width = max.minus(min).div(HISTOGRAM_BUCKETS);
  const edges = Array.from({ length: HISTOGRAM_BUCKETS + 1 }, (_, i) => min.plus(width.times(i)));
  const inner = edges.slice(1, -1);
  const buckets = inner.map((to, i) => ({
    from: (edges[i] ?? min).toNumber(),
    to: to.toNumber(),
    count: 0,
  }));
  buckets.push({ from: (edges.at(-2) ?? min).toNumber(), to: max.toNumber(), count: 0 });

  for (const { value, count } of prices) {
    const bucket = buckets[inner.filter((edge) => value.gte(edge)).length];
    if (bucket) bucket.count += count;
  }
  return buckets;
}
