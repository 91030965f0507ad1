import Big from "big.js";
import { bump, ranked } from "./counters.ts";

/** How products are split into variants. */
export interface VariantInsights {
  /** Fewest variants of any product; 0 for an empty catalog. */
  min_per_product: number;
  /** Median variants per product (mean of the two middle products when their number is even). */
  median_per_product: number;
  /** Most variants of any product; 0 for an empty catalog. */
  max_per_product: number;
  /** Option names ("Size", "Color") by how many products use them, descending, then name. */
  option_names: Array<{ name: string; count: number }>;
}

/** Counts products per variant count, so the median needs no list of every product. */
export class VariantStats {
  private readonly perProduct = new Map<number, number>();
  private readonly options = new Map<string, number>();

  add(variantCount: number, optionNames: string[]): void {
    this.perProduct.set(variantCount, (this.perProduct.get(variantCount) ?? 0) + 1);
    for (const name of new Set(optionNames.map((n) => n.trim()))) bump(this.options, name);
  }

  result(): VariantInsights {
    const sizes = [...this.perProduct.entries()].sort(([a], [b]) => a - b);
    const products = sizes.reduce((n, [, count]) => n + count, 0);
    return {
      min_per_product: sizes[0]?.[0] ?? 0,
      median_per_product: median(sizes, products),
      max_per_product: sizes.at(-1)?.[0] ?? 0,
      option_names: ranked(this.options).map(([name, count]) => ({ name, count })),
    };
  }
}

/** The median of a sorted histogram of `total` values; 0 when there are none. */
function median(sizes: Array<[number, number]>, total: number): number {
  if (total === 0) return 0;
  const at = (position: number) => {
    let seen = 0;
    for (const [size, count] of sizes) {
      seen += count;
      if (position < seen) return size;
    }
    return 0;
  };
  const low = at(Math.floor((total - 1) / 2));
  const high = at(Math.floor(total / 2));
  return new Big(low).plus(high).div(2).toNumber();
}
