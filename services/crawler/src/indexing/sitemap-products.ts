import { readCapped } from "@shopsniffer/shared/store/read-capped";
import { mapLimit } from "../concurrency.ts";
import { fetchJsonObject, type JsonItem } from "../json-pages.ts";
import { handleAfter } from "../sitemap/classify.ts";
import { sitemapUrlPages } from "../sitemap/url-writer.ts";
import { getStore, throwIfTransient } from "../store-get.ts";
import { type Catalog, handleKey, type ProductSource } from "./catalog.ts";
import type { IndexingContext } from "./context.ts";
import { fromProductPage } from "./product-json-ld.ts";
import { fromProductJs, fromSingleProductJson } from "./product-shape.ts";

/** Single products fetched between two writes and progress events. */
const BATCH = 50;
/** Handles of missing products kept for the coverage report. */
const MAX_MISSING_LISTED = 50;
/** Product pages larger than this are cut (and their JSON-LD then usually lost). */
const MAX_PAGE_BYTES = 5 * 1024 * 1024;
/** The sources of one-by-one fetches, in the order they are tried. */
const FETCH_SOURCES = ["product.json", "product.js", "json_ld"] as const;

/** What the sitemap added to the catalog. */
export interface SitemapFetches {
  /** Distinct product handles among the sitemap's product URLs. */
  sitemapProducts: number;
  /** Handles the lists had not returned, each fetched one by one. */
  fetched: number;
  /** Handles that neither `.json`, `.js` nor the page's JSON-LD gave a product; the first 50. */
  missing: string[];
  missingCount: number;
}

/**
 * Fetches, with at most the store's adaptive concurrency in flight (see AdaptiveLimiter),
 * every product of the sitemap whose handle the catalog does not have yet:
 * `/products/<h>.json`, then `/products/<h>.js` when that answers 404, HTML or no product,
 * then the product page's JSON-LD as a last resort. A 429 or 5xx throws a retryable error
 * (see fetchJsonObject).
 */
export async function fetchSitemapProducts(
  ctx: IndexingContext,
  catalog: Catalog,
): Promise<SitemapFetches> {
  const seen = new Set<string>();
  const wanted: string[] = [];
  const result: SitemapFetches = { sitemapProducts: 0, fetched: 0, missing: [], missingCount: 0 };
  for await (const urls of sitemapUrlPages(ctx.svc.db, ctx.jobId, "product")) {
    for (const { url } of urls) {
      const handle = handleAfter(url, "products");
      if (handle === null || seen.has(handleKey(handle))) continue;
      seen.add(handleKey(handle));
      if (!catalog.hasHandle(handle)) wanted.push(handle);
    }
    while (wanted.length >= BATCH) await fetchBatch(ctx, catalog, wanted.splice(0, BATCH), result);
  }
  if (wanted.length > 0) await fetchBatch(ctx, catalog, wanted, result);
  result.sitemapProducts = seen.size;
  return result;
}

/** Fetches one batch of handles, stores what was found, and counts what was not. */
async function fetchBatch(
  ctx: IndexingContext,
  catalog: Catalog,
  batch: string[],
  result: SitemapFetches,
): Promise<void> {
  const { limiter } = ctx.session;
  const found = await mapLimit(batch, limiter.max, (handle) =>
    limiter.run(() => fetchOne(ctx, handle)),
  );
  result.fetched += batch.length;
  for (const [i, answer] of found.entries()) {
    if (answer !== null) continue;
    result.missingCount += 1;
    if (result.missing.length < MAX_MISSING_LISTED) result.missing.push(batch[i] ?? "");
  }
  for (const source of FETCH_SOURCES) {
    const items = found.flatMap((answer) => (answer?.source === source ? [answer.item] : []));
    await catalog.add(items, source);
  }
}

/** One product in the `/products.json` shape with its source, or null when none answered. */
async function fetchOne(
  ctx: IndexingContext,
  handle: string,
): Promise<{ item: JsonItem; source: ProductSource } | null> {
  const path = `${ctx.base}/products/${encodeURIComponent(handle)}`;
  const json = await fetchJsonObject(ctx.session, `${path}.json`);
  const fromJson = isOk(json.status) ? fromSingleProductJson(json.body) : null;
  if (fromJson) return { item: fromJson, source: "product.json" };
  const js = await fetchJsonObject(ctx.session, `${path}.js`);
  const fromJs = isOk(js.status) ? fromProductJs(js.body) : null;
  if (fromJs) return { item: fromJs, source: "product.js" };
  const fromPage = await fetchProductPage(ctx, path, handle);
  return fromPage ? { item: fromPage, source: "json_ld" } : null;
}

/**
 * The product of `/products/<h>`'s JSON-LD, or null when the page is missing, has none, or
 * robots.txt disallows it.
 */
async function fetchProductPage(ctx: IndexingContext, path: string, handle: string) {
  const answer = await getStore(ctx.session, path, "text/html");
  if (answer.disallowed) return null;
  await throwIfTransient(answer);
  const { response } = answer;
  if (!isOk(response.status) || !(response.headers.get("content-type") ?? "").includes("html")) {
    await response.body?.cancel();
    return null;
  }
  return fromProductPage(await readCapped(response, MAX_PAGE_BYTES), handle);
}

function isOk(status: number): boolean {
  return status >= 200 && status <= 299;
}
