import { CheckCounter, type SeoCheck } from "./seo-score.ts";

/**
 * One sampled page as the auditor stores it in the `pagespeed` step's `seo_sample.pages`
 * (see services/auditor/src/seo/sample.ts): facts when it answered 200 with HTML, else
 * `error`. Read defensively: older jobs have no sample.
 */
export interface SampledPage {
  kind: string;
  url: string;
  status: number | null;
  error?: string;
  final_url?: string | null;
  title?: string | null;
  description?: string | null;
  canonical?: string | null;
  noindex?: boolean;
  images?: number;
  images_without_alt?: number;
  images_without_alt_examples?: string[];
  jsonld_types?: string[];
  jsonld_invalid?: number;
}

/**
 * The checks on the sampled pages: broken URLs, missing and duplicate titles and meta
 * descriptions, canonical problems, noindex, product pages without JSON-LD `Product`, invalid
 * JSON-LD, and images without alt text. `storeHosts` are the hosts a canonical may point to.
 */
export function pageChecks(sample: SampledPage[], storeHosts: string[]): SeoCheck[] {
  const broken = new CheckCounter("page_fetch_failed", "seo", "error");
  const noTitle = new CheckCounter("title_missing", "seo", "error");
  const noDescription = new CheckCounter("description_missing", "seo", "warning");
  const noCanonical = new CheckCounter("canonical_missing", "seo", "warning");
  const badCanonical = new CheckCounter("canonical_mismatch", "seo", "warning");
  const noindex = new CheckCounter("noindex", "seo", "error");
  const noProductLd = new CheckCounter("product_jsonld_missing", "seo", "warning");
  const badLd = new CheckCounter("jsonld_invalid", "seo", "notice");
  const noAlt = new CheckCounter("image_alt_missing", "content", "warning");
  const hosts = new Set(storeHosts.map((h) => h.toLowerCase()));
  const read: SampledPage[] = [];

  for (const page of sample) {
    broken.look(page.error !== undefined, page.url);
    if (page.error !== undefined) continue;
    read.push(page);
    noTitle.look(!page.title, page.url);
    noDescription.look(!page.description, page.url);
    noCanonical.look(!page.canonical, page.url);
    if (page.canonical) {
      const elsewhere = !sameDocument(page.canonical, page.final_url ?? page.url, hosts);
      badCanonical.look(elsewhere, `${page.url} → ${page.canonical}`);
    }
    noindex.look(page.noindex === true, page.url);
    if (page.kind === "product") {
      noProductLd.look(!(page.jsonld_types ?? []).includes("Product"), page.url);
    }
    badLd.look((page.jsonld_invalid ?? 0) > 0, page.url);
    const images = page.images ?? 0;
    const missing = Math.min(page.images_without_alt ?? 0, images);
    noAlt.checked += images;
    for (let i = 0; i < missing; i++) noAlt.fail(page.images_without_alt_examples?.[i]);
  }
  return [
    broken.result(),
    noTitle.result(),
    duplicates("title_duplicate", "warning", read, (p) => p.title),
    noDescription.result(),
    duplicates("description_duplicate", "notice", read, (p) => p.description),
    noCanonical.result(),
    badCanonical.result(),
    noindex.result(),
    noProductLd.result(),
    badLd.result(),
    noAlt.result(),
  ];
}

/** Pages sharing their (non-blank) text with another sampled page; examples are the URLs. */
function duplicates(
  id: string,
  severity: "warning" | "notice",
  pages: SampledPage[],
  text: (page: SampledPage) => string | null | undefined,
): SeoCheck {
  const groups = new Map<string, string[]>();
  for (const page of pages) {
    const value = text(page)?.trim().toLowerCase();
    if (value) groups.set(value, [...(groups.get(value) ?? []), page.url]);
  }
  const counter = new CheckCounter(id, "seo", severity);
  for (const urls of groups.values()) {
    for (const url of urls) counter.look(urls.length > 1, url);
  }
  return counter.result();
}

/**
 * Whether `canonical` names the page itself: one of the store's hosts and the same path
 * (trailing slash and percent-encoding aside). The query is ignored.
 */
function sameDocument(canonical: string, pageUrl: string, hosts: Set<string>): boolean {
  const a = URL.parse(canonical);
  const b = URL.parse(pageUrl);
  if (!a || !b) return false;
  if (!hosts.has(a.hostname.toLowerCase())) return false;
  return normalPath(a.pathname) === normalPath(b.pathname);
}

function normalPath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // keep the raw path
  }
  return decoded.length > 1 ? decoded.replace(/\/+$/, "") : decoded;
}
