import { chunks, mapLimit } from "../concurrency.ts";
import { forEachJsonPage, type JsonItem, pagedUrl } from "../json-pages.ts";
import { asId, asString } from "../json-values.ts";
import { handleAfter } from "../sitemap/classify.ts";
import { countSitemapUrls, sitemapUrlsOfKind } from "../sitemap/url-writer.ts";
import { type IndexingContext, type StepResult, stepFraction } from "./context.ts";
import { type CollectionRow, upsertCollections } from "./rows.ts";

/** Collections resolved (product lists fetched) between two writes and progress events. */
const BATCH = 25;

/** A collection before its product handles are known. */
type CollectionSeed = Omit<CollectionRow, "productHandles">;

/**
 * Step `indexing-collections`: reads `/collections.json` page by page, or, when the store does
 * not serve it, takes the collection URLs of the sitemap. Each collection's product handles
 * come from `/collections/<handle>/products.json` (an unavailable list counts as empty).
 */
export async function indexCollections(ctx: IndexingContext): Promise<StepResult> {
  const expected = (await countSitemapUrls(ctx.svc.db, ctx.jobId)).collection;
  const progress = { stored: 0, expected };
  const outcome = await forEachJsonPage(
    ctx.fetchStore,
    (page) => pagedUrl(`${ctx.base}/collections.json`, page),
    "collections",
    ctx.svc.config.CRAWLER_MAX_COLLECTION_PAGES,
    async (items) => {
      const seeds = items.flatMap((item) => seedFromJson(ctx.jobId, item) ?? []);
      await storeWithHandles(ctx, seeds, progress);
    },
  );
  if (outcome.available) {
    const detail = {
      collections_json: "available",
      collections: progress.stored,
      pages: outcome.pagesRead,
      ended_by: outcome.endedBy,
    };
    return { detail, reason: `${progress.stored} collections` };
  }
  ctx.run.log.info({ reason: outcome.reason }, "collections.json unavailable, using sitemap");
  const seeds = await seedsFromSitemap(ctx);
  await storeWithHandles(ctx, seeds, progress);
  const detail = {
    collections_json: "unavailable",
    reason: outcome.reason,
    source: "sitemap",
    collections: progress.stored,
  };
  return { detail, reason: `${progress.stored} collections from the sitemap` };
}

/** Fetches product handles for `seeds` with bounded concurrency, storing them in batches. */
async function storeWithHandles(
  ctx: IndexingContext,
  seeds: CollectionSeed[],
  progress: { stored: number; expected: number },
): Promise<void> {
  for (const batch of chunks(seeds, BATCH)) {
    const rows = await mapLimit(batch, ctx.svc.config.CRAWLER_CONCURRENCY, async (seed) => ({
      ...seed,
      productHandles: await productHandles(ctx, seed.handle),
    }));
    await upsertCollections(ctx.svc.db, rows);
    progress.stored += rows.length;
    const fraction = stepFraction(progress.stored, progress.expected);
    await ctx.run.progress.status(ctx.jobId, "indexing-collections", fraction);
  }
}

/** Handles of a collection's products in the store's order; [] when the list is unavailable. */
export async function productHandles(ctx: IndexingContext, handle: string): Promise<string[]> {
  const handles: string[] = [];
  const base = `${ctx.base}/collections/${encodeURIComponent(handle)}/products.json`;
  await forEachJsonPage(
    ctx.fetchStore,
    (page) => pagedUrl(base, page),
    "products",
    ctx.svc.config.CRAWLER_MAX_PRODUCT_PAGES,
    async (items) => {
      for (const item of items) {
        const productHandle = asString(item.handle);
        if (productHandle !== null) handles.push(productHandle);
      }
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
