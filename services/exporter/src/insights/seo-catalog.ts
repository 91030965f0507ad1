import type { Db } from "@shopsniffer/shared/db/client";
import { collections, sitemapUrls } from "@shopsniffer/shared/db/schema";
import { and, asc, eq, gt } from "drizzle-orm";
import { productChunks } from "../product-rows.ts";
import { viewProduct } from "../product-view.ts";
import { CheckCounter, type SeoCheck, type SeoSkippedCheck } from "./seo-score.ts";

/** A description with fewer words than this (but some) is thin. */
export const THIN_DESCRIPTION_WORDS = 20;

/** What the crawler's steps said that decides whether a check is meaningful. */
export interface CatalogContext {
  /** The sitemap step stopped at a cap, so it does not list the whole catalog. */
  sitemapTruncated: boolean;
  /** Collections came from the sitemap: an unavailable product list reads as empty. */
  collectionListsUnreliable: boolean;
}

/**
 * The catalog-wide checks, over every stored product, variant and collection of the job and
 * the sitemap's product URLs: empty and thin descriptions, products without images, variants
 * without SKU, empty collections, and products in the sitemap but not the catalog and back.
 */
export async function catalogChecks(
  handle: Db,
  jobId: string,
  context: CatalogContext,
): Promise<{ checks: SeoCheck[]; skipped: SeoSkippedCheck[] }> {
  const empty = new CheckCounter("product_description_empty", "content", "warning");
  const thin = new CheckCounter("product_description_thin", "content", "notice");
  const noImages = new CheckCounter("product_without_images", "content", "warning");
  const noSku = new CheckCounter("variant_without_sku", "catalog", "notice");
  const notInSitemap = new CheckCounter("product_not_in_sitemap", "catalog", "warning");
  const sitemap = await sitemapProductHandles(handle, jobId);
  const catalog = new Set<string>();

  for await (const rows of productChunks(handle, jobId)) {
    for (const row of rows) {
      const view = viewProduct(row.data);
      catalog.add(row.handle);
      const words = wordCount(view.bodyHtml);
      empty.look(words === 0, row.handle);
      if (words > 0) thin.look(words < THIN_DESCRIPTION_WORDS, row.handle);
      noImages.look(view.images.length === 0, row.handle);
      for (const variant of view.variants) {
        noSku.look(!variant.sku.trim(), `${row.handle} (${variant.title || "variant"})`);
      }
      notInSitemap.look(!sitemap.has(row.handle), row.handle);
    }
  }
  const notInCatalog = new CheckCounter("sitemap_product_not_in_catalog", "catalog", "warning");
  for (const [productHandle, url] of sitemap) notInCatalog.look(!catalog.has(productHandle), url);

  const checks = [empty, thin, noImages, noSku].map((c) => c.result());
  const skipped: SeoSkippedCheck[] = [];
  if (context.sitemapTruncated) {
    const reason = "the sitemap was truncated, so it does not list every product";
    skipped.push({ id: "product_not_in_sitemap", reason });
  } else {
    checks.push(notInSitemap.result());
  }
  checks.push(notInCatalog.result());
  if (context.collectionListsUnreliable) {
    const reason = "collections came from the sitemap; their product lists may be unavailable";
    skipped.push({ id: "collection_empty", reason });
  } else {
    checks.push(await emptyCollections(handle, jobId));
  }
  return { checks, skipped };
}

/** Sitemap URLs read per query: the transient rows stay a few hundred KB. */
const SITEMAP_PAGE = 2_000;

/**
 * Product handle → its sitemap URL, for every product URL the sitemap listed, read in pages
 * in URL order (keyset paging on the primary key). The map itself grows with the catalog:
 * about 20 MB for 100,000 products.
 */
async function sitemapProductHandles(handle: Db, jobId: string): Promise<Map<string, string>> {
  const handles = new Map<string, string>();
  let after = "";
  for (;;) {
    const rows = await handle.db
      .select({ url: sitemapUrls.url })
      .from(sitemapUrls)
      .where(
        and(
          eq(sitemapUrls.jobId, jobId),
          eq(sitemapUrls.kind, "product"),
          gt(sitemapUrls.url, after),
        ),
      )
      .orderBy(asc(sitemapUrls.url))
      .limit(SITEMAP_PAGE);
    for (const { url } of rows) {
      const found = productHandleOf(url);
      if (found) handles.set(found, url);
    }
    const last = rows.at(-1);
    if (!last || rows.length < SITEMAP_PAGE) return handles;
    after = last.url;
  }
}

/** The handle of a `/products/<handle>` URL (locale prefixes allowed), percent-decoded. */
export function productHandleOf(url: string): string | null {
  const path = URL.parse(url)?.pathname ?? "";
  const match = /\/products\/([^/]+)\/?$/.exec(path);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

async function emptyCollections(handle: Db, jobId: string): Promise<SeoCheck> {
  const counter = new CheckCounter("collection_empty", "catalog", "warning");
  const rows = await handle.db
    .select({ handle: collections.handle, productHandles: collections.productHandles })
    .from(collections)
    .where(eq(collections.jobId, jobId));
  for (const row of rows) counter.look(row.productHandles.length === 0, row.handle);
  return counter.result();
}

/** Words of an HTML fragment's text (tags, entities and blanks dropped). */
export function wordCount(html: string): number {
  const text = html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&[#a-z0-9]+;/gi, " ");
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}
