import { chunks, mapLimit } from "../concurrency.ts";
import { fetchJsonObject, type JsonItem } from "../json-pages.ts";
import { handleAfter } from "../sitemap/classify.ts";
import { sitemapUrlsOfKind } from "../sitemap/url-writer.ts";
import { type Catalog, handleKey, type ProductSource } from "./catalog.ts";
import type { IndexingContext } from "./context.ts";
import { fromProductJs, fromSingleProductJson } from "./product-shape.ts";

/** Single products fetched between two writes and progress events. */
const BATCH = 50;
/** Handles of missing products kept for the coverage report. */
const MAX_MISSING_LISTED = 50;

/** What the sitemap added to the catalog. */
export interface SitemapFetches {
  /** Distinct product handles among the sitemap's product URLs. */
  sitemapProducts: number;
  /** Handles the lists had not returned, each fetched one by one. */
  fetched: number;
  /** Handles that neither `.json` nor `.js` answered with a product; the first 50. */
  missing: string[];
  missingCount: number;
}

/**
 * Fetches, with at most the store's adaptive concurrency in flight (see AdaptiveLimiter),
 * every product of the sitemap whose handle the catalog does not have yet:
 * `/products/<h>.json`, and `/products/<h>.js` when that answers 404, HTML or no product. A 429 or 5xx throws a retryable error (see fetchJsonObject).
 */
export async function fetchSitemapProducts(
  ctx: IndexingContext,
  catalog: Catalog,
): Promise<SitemapFetches> {
  const handles = await sitemapProductHandles(ctx);
  const wanted = handles.filter((handle) => !catalog.hasHandle(handle));
  const missing: string[] = [];
  for (const batch of chunks(wanted, BATCH)) {
    const { limiter } = ctx.session;
    const found = await mapLimit(batch, limiter.max, (handle) =>
      limiter.run(() => fetchOne(ctx, handle)),
    );
    for (const [i, answer] of found.entries()) if (answer === null) missing.push(batch[i] ?? "");
    for (const source of ["product.json", "product.js"] as const) {
      const items = found.flatMap((answer) => (answer?.source === source ? [answer.item] : []));
      await catalog.add(items, source);
    }
  }
  return {
    sitemapProducts: handles.length,
    fetched: wanted.length,
    missing: missing.slice(0, MAX_MISSING_LISTED),
    missingCount: missing.length,
  };
}

/** Distinct decoded handles of the sitemap's product URLs, locale copies counted once. */
async function sitemapProductHandles(ctx: IndexingContext): Promise<string[]> {
  const urls = await sitemapUrlsOfKind(ctx.svc.db, ctx.jobId, "product");
  const handles = new Map<string, string>();
  for (const { url } of urls) {
    const handle = handleAfter(url, "products");
    if (handle !== null && !handles.has(handleKey(handle))) handles.set(handleKey(handle), handle);
  }
  return [...handles.values()];
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
  return fromJs ? { item: fromJs, source: "product.js" } : null;
}

function isOk(status: number): boolean {
  return status >= 200 && status <= 299;
}
