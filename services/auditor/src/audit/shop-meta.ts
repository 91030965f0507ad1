import type { ShopifyGlobals } from "@shopsniffer/shared/store/globals";
import type { StoreInspection } from "@shopsniffer/shared/store/inspect";
import type { DetectedApp } from "./detect-apps.ts";
import type { StoreMetaJson } from "./meta-json.ts";
import type { PageSources } from "./page-sources.ts";

/**
 * `jobs.shop_meta`: what the audit learnt about the store. The first five fields are the
 * reference's; null means unknown, never a guess (a missing currency stays null).
 */
export interface ShopMeta {
  /** From `/meta.json` `name`, else `og:site_name`, else the home page `<title>`. */
  shop_name: string | null;
  /** ISO 4217, from `/meta.json` or `Shopify.currency.active`. */
  currency: string | null;
  theme_name: string | null;
  theme_id: number | null;
  /** Names of `apps`, sorted. */
  detected_apps: string[];
  myshopify_domain: string | null;
  /** The host the home page was served from after redirects (or `/meta.json` `domain`). */
  primary_domain: string;
  theme_schema_name: string | null;
  theme_schema_version: string | null;
  /** Null for custom themes not installed from the Shopify theme store. */
  theme_store_id: number | null;
  locale: string | null;
  country: string | null;
  /** From `/meta.json`; null when the store does not serve it. */
  published_products_count: number | null;
  apps: DetectedApp[];
  /** How the audit looked at the store: the static HTML, no browser (scripts not run). */
  audit_mode: "static-html";
}

/** What the audit gathered, from which `buildShopMeta` picks each field. */
export interface AuditFindings {
  inspection: StoreInspection;
  globals: ShopifyGlobals;
  meta: StoreMetaJson | null;
  sources: PageSources;
  apps: DetectedApp[];
}

/** Merges the audit's findings into `shop_meta`, preferring `/meta.json` over page globals. */
export function buildShopMeta(findings: AuditFindings): ShopMeta {
  const { inspection, globals, meta, sources, apps } = findings;
  const theme = globals.theme ?? {};
  return {
    shop_name: meta?.name ?? sources.ogSiteName ?? sources.title,
    currency: meta?.currency ?? text(globals.currency),
    theme_name: text(theme.name),
    theme_id: integer(theme.id),
    detected_apps: apps.map((app) => app.name),
    myshopify_domain: meta?.myshopify_domain ?? text(globals.shop),
    primary_domain: meta?.domain ?? inspection.finalHost,
    theme_schema_name: text(theme.schema_name),
    theme_schema_version: text(theme.schema_version),
    theme_store_id: integer(theme.theme_store_id),
    locale: text(globals.locale),
    country: text(globals.country) ?? meta?.country ?? null,
    published_products_count: meta?.published_products_count ?? null,
    apps,
    audit_mode: "static-html",
  };
}

/** The globals come from the page's JSON, so their types are checked rather than trusted. */
function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value : null;
}

function integer(value: unknown): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) ? value : null;
}
