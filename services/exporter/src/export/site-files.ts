import type { Db } from "@shopsniffer/shared/db/client";
import { collections, pages } from "@shopsniffer/shared/db/schema";
import { asc, eq } from "drizzle-orm";
import { jsonArrayText } from "./text-stream.ts";

/** One element of `pages.json`. Pages the crawler could not fetch keep null fields. */
export interface PageJson {
  id: number | null;
  handle: string;
  title: string | null;
  body_html: string | null;
  url: string;
}

/**
 * `collections.json`: each stored collection object as the storefront served it, plus the
 * handles of its products (`product_handles`), ordered by handle.
 */
export async function buildCollectionsJson(handle: Db, jobId: string) {
  const rows = await handle.db
    .select()
    .from(collections)
    .where(eq(collections.jobId, jobId))
    .orderBy(asc(collections.handle));
  const items = rows.map((row) => ({
    ...row.data,
    id: row.data.id ?? row.collectionId,
    handle: row.handle,
    title: row.data.title ?? row.title,
    product_handles: row.productHandles,
  }));
  return { body: jsonText(items), count: items.length };
}

/** `pages.json`: every page found through the pages sitemap, ordered by handle. */
export async function buildPagesJson(handle: Db, jobId: string) {
  const rows = await handle.db
    .select()
    .from(pages)
    .where(eq(pages.jobId, jobId))
    .orderBy(asc(pages.handle));
  const items: PageJson[] = rows.map((row) => ({
    id: row.pageId,
    handle: row.handle,
    title: row.title,
    body_html: row.bodyHtml,
    url: row.url,
  }));
  return { body: jsonText(items), count: items.length };
}

/** The items as JSON array text, streamed in slices (collections and pages are few). */
function jsonText(items: unknown[]): AsyncGenerator<string> {
  return jsonArrayText(slices(items, 200));
}

async function* slices<T>(items: T[], size: number): AsyncGenerator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
