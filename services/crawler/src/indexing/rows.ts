import type { Db } from "@shopsniffer/shared/db/client";
import type { Step } from "@shopsniffer/shared/contracts/stages";
import { collections, jobSteps, pages, products } from "@shopsniffer/shared/db/schema";
import { type SQL, sql } from "drizzle-orm";

export type ProductRow = typeof products.$inferInsert;
export type CollectionRow = typeof collections.$inferInsert;
export type PageRow = typeof pages.$inferInsert;

/** `SET col = excluded.col` for each named column, for upserts that take the new values. */
function fromExcluded(names: string[]): Record<string, SQL> {
  return Object.fromEntries(names.map((name) => [name, sql.raw(`excluded.${toSnake(name)}`)]));
}

function toSnake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Keeps the last row per key, so one statement never names the same item twice. */
function lastByKey<T>(rows: T[], key: (row: T) => string | number): T[] {
  return [...new Map(rows.map((row) => [key(row), row])).values()];
}

/**
 * Products per insert statement: a product's JSON is several KB, and one statement for a
 * whole list page of 250 cost about 20 MB more peak memory than statements of 50.
 */
const PRODUCTS_PER_STATEMENT = 50;

/** Inserts or replaces products by (job, product id). */
export async function upsertProducts(handle: Db, rows: ProductRow[]): Promise<void> {
  const unique = lastByKey(rows, (row) => row.productId);
  const set = fromExcluded(["handle", "title", "vendor", "productType", "source", "data"]);
  for (let start = 0; start < unique.length; start += PRODUCTS_PER_STATEMENT) {
    const slice = unique.slice(start, start + PRODUCTS_PER_STATEMENT);
    await handle.write((db) =>
      db
        .insert(products)
        .values(slice)
        .onConflictDoUpdate({ target: [products.jobId, products.productId], set }),
    );
  }
}

/** Inserts or replaces collections by (job, handle). */
export async function upsertCollections(handle: Db, rows: CollectionRow[]): Promise<void> {
  if (rows.length === 0) return;
  const unique = lastByKey(rows, (row) => row.handle);
  const set = fromExcluded(["collectionId", "title", "source", "productHandles", "data"]);
  await handle.write((db) =>
    db
      .insert(collections)
      .values(unique)
      .onConflictDoUpdate({ target: [collections.jobId, collections.handle], set }),
  );
}

/** Inserts or replaces pages by (job, handle). */
export async function upsertPages(handle: Db, rows: PageRow[]): Promise<void> {
  if (rows.length === 0) return;
  const unique = lastByKey(rows, (row) => row.handle);
  const set = fromExcluded(["pageId", "url", "title", "bodyHtml", "fetchError"]);
  await handle.write((db) =>
    db
      .insert(pages)
      .values(unique)
      .onConflictDoUpdate({ target: [pages.jobId, pages.handle], set }),
  );
}

/**
 * Writes a step's detail without finishing it, for a step that is failing: the stage runner
 * marks the step errored later and keeps the detail.
 */
export async function recordStepDetail(
  handle: Db,
  jobId: string,
  step: Step,
  detail: Record<string, unknown>,
): Promise<void> {
  await handle.write((db) =>
    db
      .update(jobSteps)
      .set({ detail })
      .where(sql`${jobSteps.jobId} = ${jobId} AND ${jobSteps.step} = ${step}`),
  );
}
