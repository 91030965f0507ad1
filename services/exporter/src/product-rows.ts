import type { Db } from "@shopsniffer/shared/db/client";
import { products } from "@shopsniffer/shared/db/schema";
import { and, asc, eq, gt } from "drizzle-orm";

export type ProductRow = typeof products.$inferSelect;

/** Products read per query; keeps memory flat for catalogs of tens of thousands. */
export const PRODUCT_CHUNK_SIZE = 500;

/**
 * Yields a job's product rows in chunks, ordered by product id. Keyset paging (`id > last`)
 * keeps every query cheap however deep into the catalog it is; the event loop gets a turn
 * between chunks.
 */
export async function* productChunks(
  handle: Db,
  jobId: string,
  chunkSize = PRODUCT_CHUNK_SIZE,
): AsyncGenerator<ProductRow[]> {
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const rows = await handle.db
      .select()
      .from(products)
      .where(and(eq(products.jobId, jobId), gt(products.productId, after)))
      .orderBy(asc(products.productId))
      .limit(chunkSize);
    if (rows.length === 0) return;
    yield rows;
    // A local libSQL file answers without ever leaving the microtask queue; without a turn of
    // the event loop here, a long catalog starves NATS (heartbeats, acks time out).
    await new Promise((resolve) => setImmediate(resolve));
    const last = rows.at(-1);
    if (!last || rows.length < chunkSize) return;
    after = last.productId;
  }
}
