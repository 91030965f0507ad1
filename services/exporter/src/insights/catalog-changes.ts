import Big from "big.js";
import type { PreviousCatalog } from "./previous-catalog.ts";
import type { ProductFacts, VariantFacts } from "./product-facts.ts";

/** How many examples each list of changes keeps. */
export const CHANGE_EXAMPLES = 10;

/** How many things changed, and the first `CHANGE_EXAMPLES` of them in product id order. */
export interface ChangeList<T> {
  count: number;
  examples: T[];
}

/** One variant, named by its product's handle (the current one, or the previous if removed). */
export interface VariantRef {
  handle: string;
  variant_id: number;
}

/** A variant whose price differs; `from` and `to` are exact decimal strings ("0.10"). */
export interface PriceChange extends VariantRef {
  from: string;
  to: string;
}

/**
 * `insights.changes`: the catalog compared with the previous completed job of the same domain,
 * products by product id and variants by variant id. Variants without a known price or
 * `available` flag on either side are not counted as price changes or stock changes.
 */
export interface CatalogChanges {
  previous_job_id: string;
  /** When the previous job completed (ISO 8601); null if it never recorded it. */
  previous_completed_at: string | null;
  /** Examples are product handles. */
  products_added: ChangeList<string>;
  products_removed: ChangeList<string>;
  price_changes: ChangeList<PriceChange> & { increased: number; decreased: number };
  /** Variants unavailable before and available now. */
  restocks: ChangeList<VariantRef>;
  /** Variants available before and unavailable now. */
  sell_outs: ChangeList<VariantRef>;
}

class Changes<T> {
  count = 0;
  readonly examples: T[] = [];

  add(example: T): void {
    this.count += 1;
    if (this.examples.length < CHANGE_EXAMPLES) this.examples.push(example);
  }

  result(): ChangeList<T> {
    return { count: this.count, examples: this.examples };
  }
}

/**
 * Compares the current catalog, one product at a time in ascending product id order, with the
 * previous one read alongside (see PreviousCatalog). Variants are compared by variant id
 * within the same product; a variant that moved to another product is not compared.
 */
export class ChangesBuilder {
  private readonly added = new Changes<string>();
  private readonly removed = new Changes<string>();
  private readonly prices = new Changes<PriceChange>();
  private readonly restocks = new Changes<VariantRef>();
  private readonly sellOuts = new Changes<VariantRef>();
  private increased = 0;
  private readonly onRemoved = (handle: string) => this.removed.add(handle);

  constructor(private readonly previous: PreviousCatalog) {}

  async add(product: ProductFacts): Promise<void> {
    const before = await this.previous.seek(product.productId, this.onRemoved);
    if (!before) {
      this.added.add(product.handle);
      return;
    }
    const earlier = new Map<number, VariantFacts>();
    for (const variant of before.variants)
      if (variant.id !== null) earlier.set(variant.id, variant);
    for (const variant of product.variants) {
      const was = variant.id === null ? undefined : earlier.get(variant.id);
      if (was && variant.id !== null) this.compare(product.handle, variant.id, was, variant);
    }
  }

  private compare(handle: string, id: number, before: VariantFacts, now: VariantFacts): void {
    const ref = { handle, variant_id: id };
    if (before.price !== null && now.price !== null) {
      const diff = new Big(now.price).cmp(new Big(before.price));
      if (diff !== 0) this.prices.add({ ...ref, from: before.price, to: now.price });
      if (diff > 0) this.increased += 1;
    }
    if (before.available === false && now.available === true) this.restocks.add(ref);
    if (before.available === true && now.available === false) this.sellOuts.add(ref);
  }

  /** The changes, once every current product was added (the rest of the previous is read). */
  async result(): Promise<CatalogChanges> {
    await this.previous.seek(null, this.onRemoved);
    const prices = this.prices.result();
    return {
      previous_job_id: this.previous.job.id,
      previous_completed_at: this.previous.job.completedAt,
      products_added: this.added.result(),
      products_removed: this.removed.result(),
      price_changes: {
        ...prices,
        increased: this.increased,
        decreased: prices.count - this.increased,
      },
      restocks: this.restocks.result(),
      sell_outs: this.sellOuts.result(),
    };
  }
}
