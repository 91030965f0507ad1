import { collections, pages, products, sitemapUrls } from "@shopsniffer/shared/db/schema";
import { and, asc, count, eq } from "drizzle-orm";
import type { AuditorService } from "../config.ts";

/** The kinds of storefront page sampled for the SEO checks. */
export type SampleKind = "home" | "product" | "collection" | "page";

export interface SampleUrl {
  kind: SampleKind;
  /** Absolute URL on the store's public domain. */
  url: string;
}

const KINDS = ["product", "collection", "page"] as const;

/**
 * The pages whose HTML the SEO checks read: the home page, then up to `perKind` products,
 * collections and pages. They are spread evenly over the sitemap's URLs of each kind (in URL
 * order, so a rerun picks the same); a kind the sitemap lacks is taken from the indexed
 * handles instead, on `origin`.
 */
export async function sampleUrls(
  svc: AuditorService,
  jobId: string,
  origin: string,
  perKind: number,
): Promise<SampleUrl[]> {
  const sample: SampleUrl[] = [{ kind: "home", url: `${origin}/` }];
  for (const kind of KINDS) {
    const fromSitemap = await spreadSitemapUrls(svc, jobId, kind, perKind);
    const urls = fromSitemap.length > 0 ? fromSitemap : await handleUrls(svc, jobId, kind, origin);
    sample.push(...urls.slice(0, perKind).map((url) => ({ kind, url })));
  }
  return sample;
}

async function spreadSitemapUrls(svc: AuditorService, jobId: string, kind: string, n: number) {
  const where = and(eq(sitemapUrls.jobId, jobId), eq(sitemapUrls.kind, kind));
  const [total] = await svc.db.db.select({ n: count() }).from(sitemapUrls).where(where);
  const size = total?.n ?? 0;
  const urls: string[] = [];
  for (const offset of spread(size, n)) {
    const [row] = await svc.db.db
      .select({ url: sitemapUrls.url })
      .from(sitemapUrls)
      .where(where)
      .orderBy(asc(sitemapUrls.url))
      .limit(1)
      .offset(offset);
    if (row) urls.push(row.url);
  }
  return urls;
}

/** `n` distinct offsets spread evenly over `0..size-1` (all of them when `size <= n`). */
export function spread(size: number, n: number): number[] {
  if (size <= n) return Array.from({ length: size }, (_, i) => i);
  return Array.from({ length: n }, (_, i) => Math.floor((i * size) / n));
}

async function handleUrls(svc: AuditorService, jobId: string, kind: string, origin: string) {
  const table = kind === "product" ? products : kind === "collection" ? collections : pages;
  const path = kind === "product" ? "products" : kind === "collection" ? "collections" : "pages";
  const rows = await svc.db.db
    .select({ handle: table.handle })
    .from(table)
    .where(eq(table.jobId, jobId))
    .orderBy(asc(table.handle))
    .limit(50);
  return rows.map((r) => `${origin}/${path}/${encodeURIComponent(r.handle)}`);
}
