import { share } from "./counters.ts";
import type { VariantFacts } from "./product-facts.ts";

/** What can be bought now, from the storefront's `available` flags. */
export interface AvailabilityInsights {
  /** Variants whose `available` is true. */
  variants_available: number;
  /**
   * Variants whose availability is known (`available` true or false). A product fetched
   * through `/products/<handle>.json` carries no flag; its variants are counted apart.
   */
  variants_total: number;
  /** Variants without an `available` flag, left out of `share`. */
  variants_unknown: number;
  /** `variants_available / variants_total`, 0 to 1, rounded half up to 4 decimals. */
  share: number;
  /** Products with at least one available variant. */
  products_available: number;
}

/** Counts available variants and products one product at a time. */
export class AvailabilityStats {
  private available = 0;
  private total = 0;
  private unknown = 0;
  private products = 0;

  add(variants: VariantFacts[]): void {
    const available = variants.filter((v) => v.available === true).length;
    const known = variants.filter((v) => typeof v.available === "boolean").length;
    this.available += available;
    this.total += known;
    this.unknown += variants.length - known;
    if (available > 0) this.products += 1;
  }

  result(): AvailabilityInsights {
    return {
      variants_available: this.available,
      variants_total: this.total,
      variants_unknown: this.unknown,
      share: share(this.available, this.total),
      products_available: this.products,
    };
  }
}
