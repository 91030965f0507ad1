import { share } from "./counters.ts";
import type { VariantFacts } from "./product-facts.ts";

/** What can be bought now, from the storefront's `available` flags. */
export interface AvailabilityInsights {
  /** Variants whose `available` is true. */
  variants_available: number;
  /** Every variant, as `variant_count`; a variant without the flag counts as not available. */
  variants_total: number;
  /** `variants_available / variants_total`, 0 to 1, rounded half up to 4 decimals. */
  share: number;
  /** Products with at least one available variant. */
  products_available: number;
}

/** Counts available variants and products one product at a time. */
export class AvailabilityStats {
  private available = 0;
  private total = 0;
  private products = 0;

  add(variants: VariantFacts[]): void {
    const available = variants.filter((v) => v.available === true).length;
    this.available += available;
    this.total += variants.length;
    if (available > 0) this.products += 1;
  }

  result(): AvailabilityInsights {
    return {
      variants_available: this.available,
      variants_total: this.total,
      share: share(this.available, this.total),
      products_available: this.products,
    };
  }
}
