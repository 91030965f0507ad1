import { AppError } from "@shopsniffer/shared/errors";
import { chunks, mapLimit } from "../concurrency.ts";
import { handleAfter } from "../sitemap/classify.ts";
import { sitemapUrlsOfKind } from "../sitemap/url-writer.ts";
import { getStore, readCapped } from "../store-get.ts";
import type { IndexingContext, StepResult } from "./context.ts";
import { extractPageFacts } from "./page-html.ts";
import { type PageRow, upsertPages } from "./rows.ts";

const MAX_HTML_BYTES = 5 * 1024 * 1024;
/** Pages fetched between two writes and progress events. */
const BATCH = 20;

/**
 * Step `indexing-pages`: fetches every page URL of the sitemap and stores its title, id and
 * body. A page that cannot be read is stored too, with `fetch_error` set, so the page count
 * always equals the sitemap's.
 */
export async function indexPages(ctx: IndexingContext): Promise<StepResult> {
  const urls = await sitemapUrlsOfKind(ctx.svc.db, ctx.jobId, "page");
  let stored = 0;
  let failed = 0;
  for (const batch of chunks(urls, BATCH)) {
    const rows = await mapLimit(batch, ctx.svc.config.CRAWLER_CONCURRENCY, ({ url }) =>
      readPage(ctx, url),
    );
    await upsertPages(ctx.svc.db, rows);
    stored += rows.length;
    failed += rows.filter((row) => row.fetchError).length;
    const fraction = urls.length > 0 ? Math.min(0.99, stored / urls.length) : 0;
    await ctx.run.progress.status(ctx.jobId, "indexing-pages", fraction);
  }
  return { detail: { pages: stored, fetch_errors: failed }, reason: `${stored} pages` };
}

/**
 * Fetches one page and extracts its facts. Only a store that keeps rate limiting (429 after
 * retries) or cannot be reached throws, as retryable; every other failure is recorded.
 */
async function readPage(ctx: IndexingContext, url: string): Promise<PageRow> {
  const row: PageRow = { jobId: ctx.jobId, handle: pageHandle(url), url, fetchError: null };
  const answer = await getStore(ctx.fetchStore, url, "text/html");
  const { response } = answer;
  if (response.status === 429) {
    await response.body?.cancel();
    throw new AppError("upstream_failed", "The store keeps rate limiting page requests.", true);
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { ...row, fetchError: `HTTP ${response.status}` };
  }
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("html")) {
    await response.body?.cancel();
    return { ...row, fetchError: `not HTML (${type || "no content type"})` };
  }
  const facts = extractPageFacts(await readCapped(response, MAX_HTML_BYTES));
  return { ...row, title: facts.title, pageId: facts.pageId, bodyHtml: facts.bodyHtml };
}

/** `/pages/<handle>` → handle; any other URL is keyed by its path. */
export function pageHandle(url: string): string {
  return handleAfter(url, "pages") ?? URL.parse(url)?.pathname ?? url;
}
