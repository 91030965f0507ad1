import type { Db } from "@shopsniffer/shared/db/client";
import { jobs } from "@shopsniffer/shared/db/schema";
import { and, desc, eq, lt, ne } from "drizzle-orm";
import { productChunks } from "../product-rows.ts";
import { productFacts, type VariantFacts } from "./product-facts.ts";

/** The job a catalog is compared with. */
export interface PreviousJob {
  id: string;
  completedAt: string | null;
}

/**
 * The most recent `completed` job of `domain` created before `createdAt`, or null. Only jobs
 * of the same domain count; pending, processing and errored jobs never do.
 */
export async function findPreviousJob(
  handle: Db,
  job: { id: string; domain: string; createdAt: string },
): Promise<PreviousJob | null> {
  const rows = await handle.db
    .select({ id: jobs.id, completedAt: jobs.completedAt })
    .from(jobs)
    .where(
      and(
        eq(jobs.domain, job.domain),
        eq(jobs.status, "completed"),
        lt(jobs.createdAt, job.createdAt),
        ne(jobs.id, job.id),
      ),
    )
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(1);
  return rows[0] ?? null;
}

/**
 * A previous catalog reduced to what changes are computed from: product id → handle and
 * variant id → price and `available`, packed into one short string per variant.
 * FIXME: for a 100,000-product store with a few variants each this still holds several
 * hundred thousand map entries (tens of MB) for the whole insights pass; a store ten times
 * larger would need the comparison done in SQL or by merging both jobs' rows in id order.
 */
export class PreviousCatalog {
  private readonly products = new Map<number, string>();
  private readonly variants = new Map<number, string>();

  constructor(readonly job: PreviousJob) {}

  /** Reads every product of `job` in chunks, keeping only the compact maps. */
  static async load(handle: Db, job: PreviousJob): Promise<PreviousCatalog> {
    const catalog = new PreviousCatalog(job);
    for await (const rows of productChunks(handle, job.id)) {
      for (const row of rows) catalog.add(productFacts(row));
    }
    return catalog;
  }

  add(product: { productId: number; handle: string; variants: VariantFacts[] }): void {
    this.products.set(product.productId, product.handle);
    for (const v of product.variants) {
      if (v.id !== null) this.variants.set(v.id, pack(v));
    }
  }

  /** Whether the product existed; forgets it, so it is not reported as removed. */
  takeProduct(productId: number): boolean {
    return this.products.delete(productId);
  }

  /** The variant's previous price and flag, or undefined if it is new; forgets it. */
  takeVariant(variantId: number): VariantFacts | undefined {
    const packed = this.variants.get(variantId);
    if (packed === undefined) return undefined;
    this.variants.delete(variantId);
    return unpack(variantId, packed);
  }

  /** Handles of the products not taken yet, in the order they were added. */
  remainingProducts(): IterableIterator<string> {
    return this.products.values();
  }
}

/** One character for `available` ("1", "0", "-" for unknown), then the price ("" for none). */
function pack(variant: VariantFacts): string {
  const flag = variant.available === null ? "-" : variant.available ? "1" : "0";
  return `${flag}${variant.price ?? ""}`;
}

function unpack(id: number, packed: string): VariantFacts {
  const flag = packed[0];
  const price = packed.slice(1);
  return {
    id,
    price: price || null,
    compareAtPrice: null,
    available: flag === "-" ? null : flag === "1",
  };
}
