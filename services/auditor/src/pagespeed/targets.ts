import { collections, products, sitemapUrls } from "@shopsniffer/shared/db/schema";
import { and, asc, eq } from "drizzle-orm";
import type { AuditorService } from "../config.ts";
import type { PagespeedPage } from "./provider.ts";

/**
 * The pages to measure for a job: the home page, then one collection and one product when the
 * store has them. A URL the sitemap listed is preferred; else one is built from the handle
 * the crawler saved, on `origin` (e.g. `https://shop.example.com`).
 */
export async function pagespeedPages(
  svc: AuditorService,
  jobId: string,
  origin: string,
): Promise<PagespeedPage[]> {
  const pages: PagespeedPage[] = [{ kind: "home", url: `${origin}/` }];
  const collection =
    (await sitemapUrl(svc, jobId, "collection")) ?? (await collectionUrl(svc, jobId, origin));
  if (collection) pages.push({ kind: "collection", url: collection });
  const product =
    (await sitemapUrl(svc, jobId, "product")) ?? (await productUrl(svc, jobId, origin));
  if (product) pages.push({ kind: "product", url: product });
  return pages;
}

async function sitemapUrl(svc: AuditorService, jobId: string, kind: string) {
  const [row] = await svc.db.db
    .select({ url: sitemapUrls.url })
    .from(sitemapUrls)
    .where(and(eq(sitemapUrls.jobId, jobId), eq(sitemapUrls.kind, kind)))
    .orderBy(asc(sitemapUrls.url))
    .limit(1);
  return row?.url ?? null;
}

async function collectionUrl(svc: AuditorService, jobId: string, origin: string) {
  const [row] = await svc.db.db
    .select({ handle: collections.handle })
    .from(collections)
    .where(eq(collections.jobId, jobId))
    .orderBy(asc(collections.handle))
    .limit(1);
  return row ? `${origin}/collections/${encodeURIComponent(row.handle)}` : null;
}

async function productUrl(svc: AuditorService, jobId: string, origin: string) {
  const [row] = await svc.db.db
    .select({ handle: products.handle })
    .from(products)
    .where(eq(products.jobId, jobId))
    .orderBy(asc(products.handle))
    .limit(1);
  return row ? `${origin}/products/${encodeURIComponent(row.handle)}` : null;
}
