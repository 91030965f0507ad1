import { AppError } from "@shopsniffer/shared/errors";
import { fetchJsonObject, forEachJsonPage, pagedUrl } from "../json-pages.ts";
import { asCount } from "../json-values.ts";
import { countSitemapUrls } from "../sitemap/url-writer.ts";
import { Catalog } from "./catalog.ts";
import { walkCollections } from "./collection-walk.ts";
import type { IndexingContext, StepResult } from "./context.ts";
import { fetchSitemapProducts, type SitemapFetches } from "./sitemap-products.ts";

/**
 * Step `indexing-products`: the catalog is the union of what the store exposes, deduplicated
 * by product id, each product stored with the first source that returned it:
 * 1. `/products.json` (250 a page) until an empty page, an `errors` body or the page cap;
 * 2. each collection's `/collections/<handle>/products.json` (read once, kept for the
 *    collections step);
 * 3. each sitemap product whose handle the lists did not return, one by one.
 * Every batch is stored before the next is fetched, so `product_count` rises while it runs.
 * The detail carries the job's `coverage` (see `coverageOf`).
 */
export async function indexProducts(ctx: IndexingContext): Promise<StepResult> {
  const published = await publishedProductsCount(ctx);
  const sitemapCount = async () => (await countSitemapUrls(ctx.svc.db, ctx.jobId)).product;
  const expected = published ? published : await sitemapCount();
  const catalog = new Catalog(ctx, expected);
  const lists = await readProductsJson(ctx, catalog);
  ctx.collectionWalk = await walkCollections(ctx, catalog);
  const fetches = await fetchSitemapProducts(ctx, catalog);
  const coverage = coverageOf(catalog, fetches, published);
  ctx.run.log.info({ coverage }, "catalog coverage");
  const detail = {
    ...lists,
    products: catalog.total,
    by_source: catalog.counts,
    ...(catalog.skipped > 0 ? { skipped_items: catalog.skipped } : {}),
    expected,
    coverage,
  };
  const missing = fetches.missingCount > 0 ? `, ${fetches.missingCount} missing` : "";
  return { detail, reason: `${catalog.total} products${missing}` };
}

/**
 * What the job found and what it could not get: products from `/products.json`, from the
 * collection lists only, from one-by-one sitemap fetches; the distinct product handles of the
 * sitemap; `meta.json`'s count (null when unknown); sitemap handles no endpoint answered.
 */
export function coverageOf(catalog: Catalog, fetches: SitemapFetches, published: number | null) {
  return {
    from_lists: catalog.counts["products.json"],
    from_collections: catalog.counts.collections,
    from_sitemap_fetches: catalog.counts["product.json"] + catalog.counts["product.js"],
    sitemap_products: fetches.sitemapProducts,
    published_products_count: published,
    missing: fetches.missing,
    missing_count: fetches.missingCount,
  };
}

/** Pages through `/products.json`; the facts of the series for the step's detail. */
async function readProductsJson(ctx: IndexingContext, catalog: Catalog) {
  const outcome = await forEachJsonPage(
    ctx.fetchStore,
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
 * feeds progress and coverage, so any failure just gives null.
 */
async function publishedProductsCount(ctx: IndexingContext): Promise<number | null> {
  try {
    const meta = await fetchJsonObject(ctx.fetchStore, `${ctx.base}/meta.json`);
    return asCount(meta.body?.published_products_count);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return null;
  }
}
