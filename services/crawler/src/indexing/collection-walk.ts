import { chunks, mapLimit } from "../concurrency.ts";
import { forEachJsonPage, type JsonItem, pagedUrl } from "../json-pages.ts";
import { asId, asString } from "../json-values.ts";
import { handleAfter } from "../sitemap/classify.ts";
import { sitemapUrlsOfKind } from "../sitemap/url-writer.ts";
import type { Catalog } from "./catalog.ts";
import type { IndexingContext } from "./context.ts";
import type { CollectionRow } from "./rows.ts";

/** Collections taken per round; their lists are walked a few at a time (see LIST_WALKS). */
const BATCH = 25;
/**
 * Collection lists walked at once, below CRAWLER_CONCURRENCY: a list page holds 250 full
 * products (about 1.5 MB of JSON and several times that parsed), so each walk in flight
 * adds tens of MB to the crawler's peak memory, for little speed on one store.
 */
const LIST_WALKS = 2;

/** A collection before its product handles are known. */
type CollectionSeed = Omit<CollectionRow, "productHandles">;

/** Every collection of the store with its product handles, and how they were found. */
export interface CollectionWalk {
  rows: CollectionRow[];
  detail: Record<string, unknown>;
  reason: string;
}

/**
 * Lists the collections (`/collections.json` page by page, else the sitemap's collection URLs)
 * and pages each one's `/collections/<handle>/products.json` (an unavailable list counts as
 * empty). The product objects of those lists go to `catalog`, which keeps the new ones, so the
 * lists are read once for both the catalog and the collection rows.
 */
export async function walkCollections(
  ctx: IndexingContext,
  catalog: Catalog | null,
): Promise<CollectionWalk> {
  const seeds: CollectionSeed[] = [];
  const outcome = await forEachJsonPage(
    ctx.session,
    (page) => pagedUrl(`${ctx.base}/collections.json`, page),
    "collections",
    ctx.svc.config.CRAWLER_MAX_COLLECTION_PAGES,
    async (items) => {
      seeds.push(...items.flatMap((item) => seedFromJson(ctx.jobId, item) ?? []));
    },
  );
  if (outcome.available) {
    const rows = await withHandles(ctx, seeds, catalog);
    const detail = {
      collections_json: "available",
      collections: rows.length,
      pages: outcome.pagesRead,
      ended_by: outcome.endedBy,
    };
    return { rows, detail, reason: `${rows.length} collections` };
  }
  ctx.run.log.info({ reason: outcome.reason }, "collections.json unavailable, using sitemap");
  const rows = await withHandles(ctx, await seedsFromSitemap(ctx), catalog);
  const detail = {
    collections_json: "unavailable",
    reason: outcome.reason,
    source: "sitemap",
    collections: rows.length,
  };
  return { rows, detail, reason: `${rows.length} collections from the sitemap` };
}

async function withHandles(
  ctx: IndexingContext,
  seeds: CollectionSeed[],
  catalog: Catalog | null,
): Promise<CollectionRow[]> {
  const rows: CollectionRow[] = [];
  for (const batch of chunks(seeds, BATCH)) {
    const { limiter } = ctx.session;
    const done = await mapLimit(batch, Math.min(limiter.max, LIST_WALKS), async (seed) => ({
      ...seed,
      productHandles: await limiter.run(() => productHandles(ctx, seed.handle, catalog)),
    }));
    rows.push(...done);
  }
  return rows;
}

/** Handles of a collection's products in the store's order; [] when the list is unavailable. */
async function productHandles(
  ctx: IndexingContext,
  handle: string,
  catalog: Catalog | null,
): Promise<string[]> {
  const handles: string[] = [];
  const base = `${ctx.base}/collections/${encodeURIComponent(handle)}/products.json`;
  await forEachJsonPage(
    ctx.session,
    (page) => pagedUrl(base, page),
    "products",
    ctx.svc.config.CRAWLER_MAX_PRODUCT_PAGES,
    async (items) => {
      for (const item of items) {
        const productHandle = asString(item.handle);
        if (productHandle !== null) handles.push(productHandle);
      }
      await catalog?.add(items, "collections");
    },
  );
  return [...new Set(handles)];
}

function seedFromJson(jobId: string, item: JsonItem): CollectionSeed | null {
  const handle = asString(item.handle);
  if (handle === null) return null;
  return {
    jobId,
    handle,
    collectionId: asId(item.id),
    title: typeof item.title === "string" ? item.title : null,
    source: "collections.json",
    data: item,
  };
}

/** One seed per distinct `/collections/<handle>` URL of the sitemap, in sitemap order. */
async function seedsFromSitemap(ctx: IndexingContext): Promise<CollectionSeed[]> {
  const urls = await sitemapUrlsOfKind(ctx.svc.db, ctx.jobId, "collection");
  const seeds = new Map<string, CollectionSeed>();
  for (const { url } of urls) {
    const handle = handleAfter(url, "collections");
    if (handle === null || seeds.has(handle)) continue;
    seeds.set(handle, {
      jobId: ctx.jobId,
      handle,
      collectionId: null,
      title: null,
      source: "sitemap",
      data: { handle, url },
    });
  }
  return [...seeds.values()];
}
