import type { ShopifyGlobals } from "@shopsniffer/shared/store/globals";
import type { StoreInspection } from "@shopsniffer/shared/store/inspect";
import type { AppReport } from "./detect-apps.ts";
import type { Detection } from "./evidence.ts";
import type { StoreMetaJson } from "./meta-json.ts";
import type { PageSources } from "./page-sources.ts";
import type { PageRequest } from "./page-view.ts";

/** How the audit looked at the page, and what the page loaded. */
export interface AuditedPage {
  mode: "browser" | "static";
  /** Why the static HTML was read instead of rendering (no Chromium, it failed, …). */
  reason: string | null;
  url: string;
  /** Where the Shopify globals came from: `window.Shopify` or the HTML's inline script. */
  globalsSource: "window" | "html";
  scripts: string[];
  requests: PageRequest[];
  /** Requests refused because the page made more than the router allows. */
  overLimit: number;
  loadTimedOut: boolean;
  timings: { load_ms: number; total_ms: number } | null;
}

/**
 * `jobs.shop_meta`: what the audit learnt about the store. The first five fields are the
 * reference's; null means unknown, never a guess (a missing currency stays null).
 */
export interface ShopMeta {
  /** From `/meta.json` `name`, else `og:site_name`, else the home page `<title>`. */
  shop_name: string | null;
  /** ISO 4217, from `/meta.json` or `Shopify.currency.active`. */
  currency: string | null;
  /** `Shopify.theme.name`: the merchant's name for the theme, which they may change. */
  theme_name: string | null;
  theme_id: number | null;
  /** Names of `apps`, sorted. */
  detected_apps: string[];
  myshopify_domain: string | null;
  /** The host the home page was served from after redirects (or `/meta.json` `domain`). */
  primary_domain: string;
  /** The theme as its author named it (`Dawn`): identifies it across renames. */
  theme_schema_name: string | null;
  theme_schema_version: string | null;
  /** Null for custom themes not installed from the Shopify theme store. */
  theme_store_id: number | null;
  /** `Shopify.theme.role`: `main` for the published theme. */
  theme_role: string | null;
  locale: string | null;
  /** Languages the store publishes (hreflang alternates), else just `locale`. */
  locales: string[];
  country: string | null;
  /** From `/meta.json`; null when the store does not serve it. */
  published_products_count: number | null;
  /** Third-party apps with categories, version when known and the evidence that matched. */
  apps: Detection[];
  /** Platform, libraries, CDNs, payment methods and page features, in the same shape. */
  technologies: Detection[];
  /** Server-sent proof the page is a Shopify storefront; empty for a look-alike. */
  shopify_signals: string[];
  /** Shopify-only app matches left out because that proof is missing. */
  withheld_apps: string[];
  audit_mode: "browser" | "static";
  audit_mode_reason: string | null;
  /** What the page loaded: script URLs and, from the browser, every request and its fate. */
  page: {
    url: string;
    globals_source: "window" | "html";
    scripts: string[];
    requests: PageRequest[];
    request_counts: Record<PageRequest["outcome"], number> & { over_limit: number };
    load_timed_out: boolean;
    timings: { load_ms: number; total_ms: number } | null;
  };
  /** The key of the home page screenshot among the job's files; null without a browser. */
  screenshot: string | null;
  /** The fingerprint data set used. */
  fingerprints: string;
}

/** What the audit gathered, from which `buildShopMeta` picks each field. */
export interface AuditFindings {
  inspection: StoreInspection;
  globals: ShopifyGlobals;
  meta: StoreMetaJson | null;
  sources: PageSources;
  report: AppReport;
  page: AuditedPage;
  screenshot: string | null;
  fingerprints: string;
}

const MAX_LISTED_REQUESTS = 150;
const MAX_LISTED_SCRIPTS = 100;
const MAX_URL_CHARS = 300;

/** Merges the audit's findings into `shop_meta`, preferring `/meta.json` over page globals. */
export function buildShopMeta(findings: AuditFindings): ShopMeta {
  const { inspection, globals, meta, sources, report, page } = findings;
  const theme = globals.theme ?? {};
  const locale = text(globals.locale);
  return {
    shop_name: meta?.name ?? sources.ogSiteName ?? sources.title,
    currency: meta?.currency ?? text(globals.currency),
    theme_name: text(theme.name),
    theme_id: integer(theme.id),
    detected_apps: report.apps.map((app) => app.name),
    myshopify_domain: meta?.myshopify_domain ?? text(globals.shop),
    primary_domain: meta?.domain ?? inspection.finalHost,
    theme_schema_name: text(theme.schema_name),
    theme_schema_version: text(theme.schema_version),
    theme_store_id: integer(theme.theme_store_id),
    theme_role: text(theme.role),
    locale,
    locales: sources.hreflangs.length > 0 ? sources.hreflangs : locale ? [locale] : [],
    country: text(globals.country) ?? meta?.country ?? null,
    published_products_count: meta?.published_products_count ?? null,
    apps: report.apps,
    technologies: report.technologies,
    shopify_signals: report.shopifySignals,
    withheld_apps: report.withheld,
    audit_mode: page.mode,
    audit_mode_reason: page.reason,
    page: {
      url: page.url,
      globals_source: page.globalsSource,
      scripts: page.scripts.slice(0, MAX_LISTED_SCRIPTS).map(shortUrl),
      requests: page.requests
        .slice(0, MAX_LISTED_REQUESTS)
        .map((r) => ({ ...r, url: shortUrl(r.url) })),
      request_counts: countOutcomes(page),
      load_timed_out: page.loadTimedOut,
      timings: page.timings,
    },
    screenshot: findings.screenshot,
    fingerprints: findings.fingerprints,
  };
}

function countOutcomes(page: AuditedPage): ShopMeta["page"]["request_counts"] {
  const counts = { store: 0, fetched: 0, blocked: 0, failed: 0, over_limit: page.overLimit };
  for (const request of page.requests) counts[request.outcome]++;
  return counts;
}

function shortUrl(url: string): string {
  return url.length > MAX_URL_CHARS ? `${url.slice(0, MAX_URL_CHARS - 1)}…` : url;
}

/** The globals come from the page, so their types are checked rather than trusted. */
function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value : null;
}

function integer(value: unknown): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) ? value : null;
}
