import { AppError } from "@shopsniffer/shared/errors";
import { fetchJsonObject, forEachJsonPage, type JsonItem, pagedUrl } from "../json-pages.ts";
import { asCount, asId, asString } from "../json-values.ts";
import { countSitemapUrls } from "../sitemap/url-writer.ts";
import { type IndexingContext, type StepResult, stepFraction } from "./context.ts";
import { type ProductRow, upsertProducts } from "./rows.ts";

/**
 * Step `indexing-products`: pages through `/products.json` (250 a page) until an empty page,
 * an `errors` body or the page cap, storing each page before asking for the next, so
 * `product_count` rises while the step runs. A store without products.json ends with 0.
 */
export async function indexProducts(ctx: IndexingContext): Promise<StepResult> {
  const { svc, run, jobId } = ctx;
  const expected = await expectedProducts(ctx);
  let stored = 0;
  let skipped = 0;
  const outcome = await forEachJsonPage(
    ctx.fetchStore,
    (page) => pagedUrl(`${ctx.base}/products.json`, page),
    "products",
    svc.config.CRAWLER_MAX_PRODUCT_PAGES,
    async (items) => {
      const rows = items.flatMap((item) => productRow(jobId, item) ?? []);
      skipped += items.length - rows.length;
      await upsertProducts(svc.db, rows);
      stored += rows.length;
      await run.progress.status(jobId, "indexing-products", stepFraction(stored, expected));
    },
  );
  if (!outcome.available) {
    run.log.warn({ reason: outcome.reason }, "products.json unavailable");
    return {
      detail: { products_json: "unavailable", reason: outcome.reason, products: 0 },
      reason: "products.json unavailable",
    };
  }
  const detail = {
    products_json: "available",
    products: stored,
    pages: outcome.pagesRead,
    ended_by: outcome.endedBy,
    ...(outcome.endedBy === "errors" ? { store_error: outcome.reason } : {}),
    ...(skipped > 0 ? { skipped_items: skipped } : {}),
    expected,
  };
  return { detail, reason: `${stored} products` };
}

/** A product row from one products.json element, or null without a numeric id and a handle. */
export function productRow(jobId: string, item: JsonItem): ProductRow | null {
  const productId = asId(item.id);
  const handle = asString(item.handle);
  if (productId === null || handle === null) return null;
  return {
    jobId,
    productId,
    handle,
    title: typeof item.title === "string" ? item.title : "",
    vendor: asString(item.vendor),
    productType: asString(item.product_type),
    source: "products.json",
    data: item,
  };
}

/**
 * How many products the store says it publishes (`/meta.json`), else how many product URLs
 * its sitemaps list; only used to report progress, so any failure just falls back.
 */
async function expectedProducts(ctx: IndexingContext): Promise<number> {
  try {
    const meta = await fetchJsonObject(ctx.fetchStore, `${ctx.base}/meta.json`);
    const count = asCount(meta.body?.published_products_count);
    if (count !== null && count > 0) return count;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
  }
  return (await countSitemapUrls(ctx.svc.db, ctx.jobId)).product;
}
