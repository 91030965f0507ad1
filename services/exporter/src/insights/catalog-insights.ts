import type { ProductView } from "../product-view.ts";
import { type PriceRange, PriceStats } from "./price-stats.ts";

/** How many vendors `top_vendors` lists. */
export const TOP_VENDORS = 10;

/**
 * `jobs.insights`. The first three fields are the reference's. Products with a blank vendor
 * or type are left out of `top_vendors` and `product_types` (a blank is not a vendor or a
 * type), so those counts may sum to less than `product_count`.
 */
export interface CatalogInsights {
  /** By product count, descending, then name; at most `TOP_VENDORS`. */
  top_vendors: Array<{ name: string; count: number }>;
  /** Over every variant price; null when the catalog has no price. */
  price_range: PriceRange | null;
  /** Every non-blank product type by product count, descending, then type. */
  product_types: Array<{ type: string; count: number }>;
  /** ISO 4217 code of the prices, from `shop_meta.currency`; null when the audit found none. */
  currency: string | null;
  product_count: number;
  variant_count: number;
}

/** Builds insights one product at a time, so the catalog is never held in memory. */
export class InsightsBuilder {
  private readonly vendors = new Map<string, number>();
  private readonly types = new Map<string, number>();
  private readonly prices = new PriceStats();
  private products = 0;
  private variants = 0;

  add(product: ProductView): void {
    this.products += 1;
    this.variants += product.variants.length;
    bump(this.vendors, product.vendor);
    bump(this.types, product.productType);
    for (const variant of product.variants) {
      if (variant.price !== null) this.prices.add(variant.price);
    }
  }

  result(currency: string | null): CatalogInsights {
    return {
      top_vendors: ranked(this.vendors)
        .slice(0, TOP_VENDORS)
        .map(([name, count]) => ({ name, count })),
      price_range: this.prices.result(),
      product_types: ranked(this.types).map(([type, count]) => ({ type, count })),
      currency,
      product_count: this.products,
      variant_count: this.variants,
    };
  }
}

function bump(counts: Map<string, number>, key: string): void {
  const name = key.trim();
  if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
}

/** Entries by count descending, then by name in code-unit order (locale independent). */
function ranked(counts: Map<string, number>): Array<[string, number]> {
  return [...counts.entries()].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
}
