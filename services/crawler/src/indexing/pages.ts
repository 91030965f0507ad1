import { readCapped } from "@shopsniffer/shared/store/read-capped";
import { chunks, mapLimit } from "../concurrency.ts";
import { handleAfter } from "../sitemap/classify.ts";
import { sitemapUrlsOfKind } from "../sitemap/url-writer.ts";
import { getStore, throwIfTransient } from "../store-get.ts";
import type { IndexingContext, StepResult } from "./context.ts";
import { extractPageFacts } from "./page-html.ts";
import { type PageRow, upsertPages } from "./rows.ts";

const MAX_HTML_BYTES = 5 * 1024 * 1024;
/** Pages fetched between two writes and progress events. */
const BATCH = 20;

/**
 * Step `indexing-pages`: fetches every page URL of the sitemap and stores its title, id and
 * body. A page that cannot be read is stored too, with `fetch_error` set, so no page URL is
 * lost. Rows are keyed by handle, so locale copies of one page (`/fr/pages/x` and `/pages/x`)
 * are stored once on purpose, and `page_count` can be below the sitemap's page URL count.
 */
export async function indexPages(ctx: IndexingContext): Promise<StepResult> {
  const urls = await sitemapUrlsOfKind(ctx.svc.db, ctx.jobId, "page");
  let stored = 0;
  let failed = 0;
  for (const batch of chunks(urls, BATCH)) {
    const { limiter } = ctx.session;
    const rows = await mapLimit(batch, limiter.max, ({ url }) =>
      limiter.run(() => readPage(ctx, url)),
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
 * Fetches one page and extracts its facts. A store that keeps answering 429 or 5xx (after
 * getStore's retries) throws a retryable error, so the stage runs again later; every other
 * failure (404, 410, not HTML) is recorded in the row's `fetchError`.
 */
async function readPage(ctx: IndexingContext, url: string): Promise<PageRow> {
  const row: PageRow = { jobId: ctx.jobId, handle: pageHandle(url), url, fetchError: null };
  const answer = await getStore(ctx.session, url, "text/html");
  if (answer.disallowed) return { ...row, fetchError: "disallowed by robots.txt" };
  await throwIfTransient(answer);
  const { response } = answer;
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
