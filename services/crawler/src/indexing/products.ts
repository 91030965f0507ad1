import { AppError } from "@shopsniffer/shared/errors";
import { isBlockedError, rethrowIfAborted } from "../store-session.ts";
import { fetchJsonObject, forEachJsonPage, pagedUrl } from "../json-pages.ts";
import { asCount } from "../json-values.ts";
import { countSitemapUrls } from "../sitemap/url-writer.ts";
import { Catalog } from "./catalog.ts";
import { walkCollections } from "./collection-walk.ts";
import type { IndexingContext, StepResult } from "./context.ts";
import { completedOutcome, failedOutcome } from "./outcome.ts";
import { recordStepDetail } from "./rows.ts";
import { fetchSitemapProducts, type SitemapFetches } from "./sitemap-products.ts";

/**
 * Step `indexing-products`: the catalog is the union of what the store exposes, deduplicated
 * by product id, each product stored with the first source that returned it:
 * 1. `/products.json` (250 a page) until an empty page, an `errors` body or the page cap;
 * 2. each collection's `/collections/<handle>/products.json` (read once, kept for the
 *    collections step);
 * 3. each sitemap product whose handle the lists did not return, one by one.
 * Every batch is stored before the next is fetched, so `product_count` rises while it runs.
 * The detail carries the job's `coverage` (see `coverageOf`) and its `outcome` (see
 * `catalogOutcomes`); a blocked or throttled failure leaves its outcome there too.
 */
export async function indexProducts(ctx: IndexingContext): Promise<StepResult> {
  const published = await publishedProductsCount(ctx);
  const sitemapCount = async () => (await countSitemapUrls(ctx.svc.db, ctx.jobId)).product;
  const expected = published ? published : await sitemapCount();
  const catalog = new Catalog(ctx, expected);
  try {
    return await readCatalog(ctx, catalog, published, expected);
  } catch (error) {
    await recordFailure(ctx, catalog, error);
    throw error;
  }
}

async function readCatalog(
  ctx: IndexingContext,
  catalog: Catalog,
  published: number | null,
  expected: number,
): Promise<StepResult> {
  const lists = await readProductsJson(ctx, catalog);
  ctx.collectionWalk = await walkCollections(ctx, catalog);
  const fetches = await fetchSitemapProducts(ctx, catalog);
  const coverage = coverageOf(catalog, fetches, published);
  ctx.run.log.info({ coverage }, "catalog coverage");
  const endedBy = "ended_by" in lists ? lists.ended_by : null;
  const outcome = completedOutcome({
    productsJsonAvailable: lists.products_json === "available",
    listCapped: endedBy === "cap" || endedBy === "errors",
    sitemapProducts: fetches.sitemapProducts,
    missingCount: fetches.missingCount,
    published,
    stored: catalog.total,
  });
  const detail = {
    outcome,
    ...lists,
    products: catalog.total,
    by_source: catalog.counts,
    ...(catalog.skipped > 0 ? { skipped_items: catalog.skipped } : {}),
    expected,
    coverage,
    ...throttling(ctx),
  };
  const missing = fetches.missingCount > 0 ? `, ${fetches.missingCount} missing` : "";
  return { detail, reason: `${catalog.total} products${missing}`, outcome };
}

/** `throttled`: 429 answers the store sent this job, when there were any. */
function throttling(ctx: IndexingContext) {
  const { throttled } = ctx.session.signals;
  return throttled > 0 ? { throttled } : {};
}

/**
 * Leaves the outcome of a step that is failing (blocked, rate limited) in its detail, with
 * what was stored so far (kept: every write is an upsert).
 */
async function recordFailure(ctx: IndexingContext, catalog: Catalog, error: unknown) {
  const outcome = failedOutcome(error, ctx.session);
  if (outcome === null) return;
  const { blocked } = ctx.session.signals;
  const detail = {
    outcome,
    products: catalog.total,
    by_source: catalog.counts,
    ...(blocked ? { blocked } : {}),
    ...throttling(ctx),
  };
  await recordStepDetail(ctx.svc.db, ctx.jobId, "indexing-products", detail);
}

/**
 * What the job found and what it could not get: products from `/products.json`, from the
 * collection lists only, from one-by-one sitemap fetches (and how many of those came from
 * JSON-LD); the distinct product handles of the sitemap; `meta.json`'s count (null when
 * unknown); sitemap handles no endpoint answered.
 */
export function coverageOf(catalog: Catalog, fetches: SitemapFetches, published: number | null) {
  return {
    from_lists: catalog.counts["products.json"],
    from_collections: catalog.counts.collections,
    from_sitemap_fetches:
      catalog.counts["product.json"] + catalog.counts["product.js"] + catalog.counts.json_ld,
    /** Of those, products read from their page's JSON-LD (both JSON endpoints failed). */
    from_json_ld: catalog.counts.json_ld,
    sitemap_products: fetches.sitemapProducts,
    published_products_count: published,
    missing: fetches.missing,
    missing_count: fetches.missingCount,
  };
}

/**
 * Pages through `/products.json`; the facts of the series for the step's detail.
 * Memory: each list page is about 1.5 MB of JSON, garbage once stored. Left to Bun's own
 * collector, that garbage took the crawler to 310 MB on the 100,000-product benchmark store;
 * `forEachJsonPage` collects between pages once RSS passes 200 MB, and the peak was 219 to
 * 228 MB (docs/PERFORMANCE.md).
 */
async function readProductsJson(ctx: IndexingContext, catalog: Catalog) {
  const outcome = await forEachJsonPage(
    ctx.session,
    (page) => pagedUrl(`${ctx.base}/products.json`, page),
    "products",
    ctx.svc.config.CRAWLER_MAX_PRODUCT_PAGES,
    async (items) => {
      await catalog.add(items, "products.json");
    },
  );
  if (!outcome.available) {
    ctx.run.log.warn({ reason: outcome.reason }, "products.json unavailable");
    return { products_json: "unavailable", reason: outcome.reason };
  }
  return {
    products_json: "available",
    pages: outcome.pagesRead,
    ended_by: outcome.endedBy,
    ...(outcome.endedBy === "errors" ? { store_error: outcome.reason } : {}),
  };
}

/**
 * `published_products_count` of `/meta.json`, or null when the store does not say; it only
 * feeds progress and coverage, so a failure gives null, except a block, which goes up.
 */
async function publishedProductsCount(ctx: IndexingContext): Promise<number | null> {
  try {
    const meta = await fetchJsonObject(ctx.session, `${ctx.base}/meta.json`);
    return asCount(meta.body?.published_products_count);
  } catch (error) {
    rethrowIfAborted(ctx.session.signal, error);
    // A block is news for the whole job, not a missing count.
    if (!(error instanceof AppError) || isBlockedError(error)) throw error;
    return null;
  }
}
