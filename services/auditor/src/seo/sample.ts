import { AppError } from "@shopsniffer/shared/errors";
import { limitBody } from "@shopsniffer/shared/store/body-limit";
import type { StoreFetcher } from "@shopsniffer/shared/store/fetch";
import type { AuditorService } from "../config.ts";
import { type PageSeoFacts, readPageSeoFacts } from "./page-facts.ts";
import { type SampleKind, sampleUrls } from "./sample-urls.ts";

/** Sampled pages fetched at the same time for one job. */
const SAMPLE_CONCURRENCY = 2;
/**
 * Larger HTML answers are not parsed (real theme pages are well under 1 MB): refused on their
 * `content-length`, or, without one, cancelled as soon as more than this has arrived.
 */
const MAX_HTML_BYTES = 5_000_000;

/**
 * One sampled page as stored in the `pagespeed` step's `seo_sample`: its facts when it
 * answered 200 with HTML, else its `status` (when there was an answer) and `error`.
 */
export type SampledPage = { kind: SampleKind; url: string; status: number | null } & (
  | ({ final_url: string | null } & PageSeoFacts)
  | { error: string }
);

/** What the sample step stores: the pages, and how many of each kind were asked for. */
export interface SeoSample {
  per_kind: number;
  pages: SampledPage[];
}

/**
 * Fetches a sample of the store's pages through the store fetch (address guard, redirects,
 * `STORE_ORIGINS`) and reads each one's SEO facts. Never throws for a page: a page that
 * fails is kept with its error, so the findings can count broken URLs.
 */
export async function sampleStorePages(
  svc: AuditorService,
  fetchStore: StoreFetcher,
  jobId: string,
  origin: string,
): Promise<SeoSample> {
  const perKind = svc.config.SEO_SAMPLE_PER_KIND;
  const urls = await sampleUrls(svc, jobId, origin, perKind);
  const pages = new Array<SampledPage>(urls.length);
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const index = next++;
      const target = urls[index];
      if (target) pages[index] = await samplePage(fetchStore, target.kind, target.url);
    }
  };
  await Promise.all(Array.from({ length: SAMPLE_CONCURRENCY }, worker));
  return { per_kind: perKind, pages };
}

async function samplePage(
  fetchStore: StoreFetcher,
  kind: SampleKind,
  url: string,
): Promise<SampledPage> {
  try {
    const { response, url: finalUrl } = await fetchStore(url, {
      headers: { accept: "text/html" },
    });
    const status = response.status;
    const type = response.headers.get("content-type") ?? "";
    if (status !== 200 || !type.includes("html")) {
      await response.body?.cancel();
      const why = status === 200 ? `not HTML (${type || "no content type"})` : `HTTP ${status}`;
      return { kind, url, status, error: why };
    }
    const length = Number(response.headers.get("content-length") ?? 0);
    if (length > MAX_HTML_BYTES) await response.body?.cancel();
    const html = length > MAX_HTML_BYTES ? null : await readHtml(response, finalUrl);
    if (html === null) {
      return { kind, url, status, error: `page larger than ${MAX_HTML_BYTES} bytes` };
    }
    const facts = readPageSeoFacts(html, finalUrl.href, response.headers.get("x-robots-tag"));
    const moved = finalUrl.href !== new URL(url).href;
    return { kind, url, status, final_url: moved ? finalUrl.href : null, ...facts };
  } catch (error) {
    return {
      kind,
      url,
      status: null,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/**
 * The page's text, or null when its body passes `MAX_HTML_BYTES` (the rest is then cancelled
 * unread). Read errors other than the size throw.
 */
async function readHtml(response: Response, url: URL): Promise<string | null> {
  try {
    return await limitBody(response, MAX_HTML_BYTES, url).text();
  } catch (error) {
    // limitBody fails past the limit with upstream_failed; a broken read is store_unreachable.
    if (error instanceof AppError && error.code === "upstream_failed") return null;
    throw error;
  }
}
