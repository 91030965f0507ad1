import { compareText, type Detection, type Evidence } from "./evidence.ts";
import { matchTechnologies, type TechMatch } from "./match-technologies.ts";
import type { PageView } from "./page-view.ts";
import { serverShopifySignals, shopifyAppTraces } from "./shopify-signals.ts";
import { type TechnologyData, technologyData } from "./tech-data.ts";

/** What the audit found running on the page. */
export interface AppReport {
  /** Third-party apps and services (reviews, email, analytics, chat, …), sorted by name. */
  apps: Detection[];
  /** The rest: the platform, JavaScript libraries, CDNs, payment methods, page features. */
  technologies: Detection[];
  /** Server-sent proof of a Shopify storefront (headers, cookies); empty on a look-alike. */
  shopifySignals: string[];
  /** Shopify-only app matches not reported because the server never proved it is Shopify. */
  withheld: string[];
}

/** Category of an app known only from Shopify's traces (`?shop=` scripts, app extensions). */
export const SHOPIFY_APPS_CATEGORY = "Shopify apps";
const SHOPIFY_APPS_ID = 100;

/**
 * Categories that describe the platform and its plumbing rather than an app a merchant
 * installs; a technology in none but these is listed under `technologies`.
 */
const NOT_APP_CATEGORIES = new Set([
  1, 6, 12, 17, 18, 19, 22, 23, 27, 28, 31, 33, 34, 41, 47, 57, 59, 60, 62, 63, 64, 65, 66, 70, 81,
  88, 92, 108,
]);

/**
 * Detects apps and technologies in a page view: the fingerprint data set's matches plus
 * Shopify's own app traces. Shopify-only matches (apps that require Shopify, the data set's
 * `Shopify apps`, `?shop=` scripts, app extensions) count only when the server proved the
 * page is a Shopify storefront, so a look-alike copying Shopify's markup gets none of them.
 */
export async function detectApps(
  view: PageView,
  storeHost: string,
  data: TechnologyData = technologyData(),
): Promise<AppReport> {
  const matches = await matchTechnologies(data, view);
  const detections = new Map<string, Detection & { shopifyOnly: boolean }>();
  for (const match of matches.values()) {
    detections.set(match.tech.name, {
      ...toDetection(data, match),
      shopifyOnly: isShopifyOnly(match),
    });
  }
  const urls = [...view.scriptSrcs, ...view.linkHrefs, ...view.requests.map((r) => r.url)];
  for (const trace of shopifyAppTraces(urls, storeHost)) {
    // An app the data set knows by this URL takes the trace; the platform's own patterns
    // (`cdn.shopify.com` is Shopify) do not.
    const owner = [...matches.values()].find(
      (m) => isApp(m) && m.tech.scriptSrc.some((p) => p.regex.test(trace.url)),
    );
    const existing = detections.get(owner?.tech.name ?? trace.name);
    if (existing) {
      addEvidence(existing.evidence, trace.evidence);
      existing.version ??= trace.version;
      existing.shopifyOnly = existing.shopifyOnly || !owner;
      continue;
    }
    detections.set(trace.name, {
      name: trace.name,
      categories: [SHOPIFY_APPS_CATEGORY],
      version: trace.version,
      confidence: 100,
      evidence: [trace.evidence],
      shopifyOnly: true,
    });
  }
  const shopifySignals = serverShopifySignals(view.headers, view.cookies);
  const withheld: string[] = [];
  const apps: Detection[] = [];
  const technologies: Detection[] = [];
  for (const { shopifyOnly, ...detection } of detections.values()) {
    if (shopifyOnly && shopifySignals.length === 0) withheld.push(detection.name);
    else if (isApp(matches.get(detection.name))) apps.push(detection);
    else technologies.push(detection);
  }
  const byName = (a: Detection, b: Detection) => compareText(a.name, b.name);
  return {
    apps: apps.sort(byName),
    technologies: technologies.sort(byName),
    shopifySignals,
    withheld: withheld.sort(compareText),
  };
}

function toDetection(data: TechnologyData, match: TechMatch): Detection {
  return {
    name: match.tech.name,
    categories: match.tech.categories.map((id) => data.categories.get(id) ?? `category ${id}`),
    version: match.version,
    confidence: match.confidence,
    evidence: match.evidence,
  };
}

function isShopifyOnly(match: TechMatch): boolean {
  return match.tech.requires.includes("Shopify") || match.tech.categories.includes(SHOPIFY_APPS_ID);
}

/** Traces without a data-set match are Shopify apps; others go by their categories. */
function isApp(match: TechMatch | undefined): boolean {
  if (!match) return true;
  return match.tech.categories.some((id) => !NOT_APP_CATEGORIES.has(id));
}

function addEvidence(list: Evidence[], evidence: Evidence) {
  if (!list.some((e) => e.kind === evidence.kind && e.value === evidence.value))
    list.push(evidence);
}
