import type { Db } from "@shopsniffer/shared/db/client";
import { products } from "@shopsniffer/shared/db/schema";
import { collectGarbageIfOver } from "@shopsniffer/shared/memory";
import { and, asc, eq, gt } from "drizzle-orm";

export type ProductRow = typeof products.$inferSelect;

/**
 * Products read per query. A stored product is several KB of JSON, so a chunk of 250 is about
 * 1.5 MB of text and several times that parsed; 500 added some 35 MB to the exporter's peak.
 */
export const PRODUCT_CHUNK_SIZE = 250;

/**
 * Yields a job's product rows in chunks, ordered by product id. Keyset paging (`id > last`)
 * keeps every query cheap however deep into the catalog it is; the event loop gets a turn
 * between chunks, and the garbage of the chunks before is collected once the process's memory
 * passes the soft limit (see collectGarbageIfOver), so a pass over any catalog stays bounded.
 */
export async function* productChunks(
  handle: Db,
  jobId: string,
  chunkSize = PRODUCT_CHUNK_SIZE,
): AsyncGenerator<ProductRow[]> {
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    collectGarbageIfOver();
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
