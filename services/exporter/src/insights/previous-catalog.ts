import type { Db } from "@shopsniffer/shared/db/client";
import { jobs } from "@shopsniffer/shared/db/schema";
import { and, desc, eq, lt, ne } from "drizzle-orm";
import { type ProductRow, productChunks } from "../product-rows.ts";
import { type ProductFacts, productFacts } from "./product-facts.ts";

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
 * The previous job's catalog, read alongside the current one: both are read in ascending
 * product id order, so comparing them is a merge of two sorted streams and memory holds one
 * chunk of rows from each, whatever the catalog's size.
 */
export class PreviousCatalog {
  private readonly chunks: AsyncGenerator<ProductRow[]>;
  private buffer: ProductFacts[] = [];
  private position = 0;
  private ended = false;

  constructor(
    readonly job: PreviousJob,
    handle: Db,
  ) {
    this.chunks = productChunks(handle, job.id);
  }

  /**
   * Walks forward to `productId` (the current catalog's next id, never smaller than the last
   * one asked for), calling `onRemoved` with the handle of each previous product before it,
   * and returns the previous product with that id, or null if it is new. `null` walks to the
   * end: every product left was removed.
   */
  async seek(productId: number | null, onRemoved: (handle: string) => void) {
    for (;;) {
      const next = await this.peek();
      if (next === null) return null;
      if (productId !== null && next.productId > productId) return null;
      this.position += 1;
      if (productId !== null && next.productId === productId) return next;
      onRemoved(next.handle);
    }
  }

  private async peek(): Promise<ProductFacts | null> {
    while (this.position >= this.buffer.length) {
      if (this.ended) return null;
      const next = await this.chunks.next();
      if (next.done) {
        this.ended = true;
        return null;
      }
      this.buffer = next.value.map(productFacts);
      this.position = 0;
    }
    return this.buffer[this.position] ?? null;
  }
}
