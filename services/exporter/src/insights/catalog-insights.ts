import { type AvailabilityInsights, AvailabilityStats } from "./availability-stats.ts";
import type { CatalogChanges } from "./catalog-changes.ts";
import { bump, ranked } from "./counters.ts";
import { type DiscountInsights, DiscountStats } from "./discount-stats.ts";
import { type PriceBucket, PriceHistogram } from "./price-histogram.ts";
import { type PriceRange, PriceStats } from "./price-stats.ts";
import type { ProductFacts } from "./product-facts.ts";
import { type PublishedInsights, PublishedStats } from "./published-stats.ts";
import { type VariantInsights, VariantStats } from "./variant-stats.ts";

/** How many vendors `top_vendors` lists. */
export const TOP_VENDORS = 10;
/** How many tags `tags` lists. */
export const TOP_TAGS = 20;

/**
 * `jobs.insights`. The first three fields are the reference's. Products with a blank vendor
 * or type are left out of `top_vendors` and `product_types` (a blank is not a vendor or a
 * type), so those counts may sum to less than `product_count`. Prices are in `currency`'s
 * major unit, computed on exact decimals.
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
  /** Tags by how many products carry them, descending, then tag; at most `TOP_TAGS`. */
  tags: Array<{ tag: string; count: number }>;
  availability: AvailabilityInsights;
  discounts: DiscountInsights;
  variants: VariantInsights;
  /** Variant prices in 10 equal-width buckets from the lowest to the highest price. */
  price_histogram: PriceBucket[];
  published: PublishedInsights;
  /** Against the previous completed job of the same domain; null when there is none. */
  changes: CatalogChanges | null;
}

/** Builds insights one product at a time, so the catalog is never held in memory. */
export class InsightsBuilder {
  private readonly vendors = new Map<string, number>();
  private readonly types = new Map<string, number>();
  private readonly tags = new Map<string, number>();
  private readonly prices = new PriceStats();
  private readonly histogram = new PriceHistogram();
  private readonly availability = new AvailabilityStats();
  private readonly discounts = new DiscountStats();
  private readonly variantStats = new VariantStats();
  private readonly published: PublishedStats;
  private products = 0;
  private variants = 0;

  /** `asOfMs`: the instant the `published` windows count back from (the job's creation). */
  constructor(asOfMs: number) {
    this.published = new PublishedStats(asOfMs);
  }

  add(product: ProductFacts): void {
    this.products += 1;
    this.variants += product.variants.length;
    bump(this.vendors, product.vendor);
    bump(this.types, product.productType);
    for (const tag of new Set(product.tags.map((t) => t.trim()))) bump(this.tags, tag);
    for (const variant of product.variants) {
      if (variant.price !== null) {
        this.prices.add(variant.price);
        this.histogram.add(variant.price);
      }
      this.discounts.add(variant.price, variant.compareAtPrice);
    }
    this.availability.add(product.variants);
    this.variantStats.add(product.variants.length, product.optionNames);
    this.published.add(product.publishedMs);
  }

  result(currency: string | null, changes: CatalogChanges | null): CatalogInsights {
    return {
      top_vendors: ranked(this.vendors)
        .slice(0, TOP_VENDORS)
        .map(([name, count]) => ({ name, count })),
      price_range: this.prices.result(),
      product_types: ranked(this.types).map(([type, count]) => ({ type, count })),
      currency,
      product_count: this.products,
      variant_count: this.variants,
      tags: ranked(this.tags)
        .slice(0, TOP_TAGS)
        .map(([tag, count]) => ({ tag, count })),
      availability: this.availability.result(),
      discounts: this.discounts.result(),
      variants: this.variantStats.result(),
      price_histogram: this.histogram.result(),
      published: this.published.result(),
      changes,
    };
  }
}
