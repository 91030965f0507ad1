import type { Logger } from "@shopsniffer/shared/log";
import type { StoreFetcher } from "@shopsniffer/shared/store/fetch";
import { readShopifyGlobals, type ShopifyGlobals } from "@shopsniffer/shared/store/globals";
import type { StoreInspection } from "@shopsniffer/shared/store/inspect";
import { type BrowserHost, firstLine } from "../browser/browser-host.ts";
import { type RenderedPage, renderPage } from "../browser/render-page.ts";
import { type AppReport, detectApps } from "./detect-apps.ts";
import { type PageSources, readPageSources } from "./page-sources.ts";
import { renderedPageView, staticPageView } from "./page-view.ts";
import type { AuditedPage } from "./shop-meta.ts";
import type { TechnologyData } from "./tech-data.ts";

export interface LookInput {
  inspection: StoreInspection;
  data: TechnologyData;
  fetchStore: StoreFetcher;
  browser: BrowserHost;
  config: { AUDIT_BROWSER_TIMEOUT_MS: number; AUDIT_THIRD_PARTY: "guarded" | "block" };
  log: Logger;
  /** The stage attempt's: when it fires, rendering stops and the look rejects. */
  signal?: AbortSignal;
}

/** What the audit saw of the home page, rendered or static. */
export interface Look {
  sources: PageSources;
  globals: ShopifyGlobals;
  report: AppReport;
  page: AuditedPage;
  screenshot: Uint8Array | null;
}

/**
 * Looks at the store's home page in Chromium when one can be used, else (or when rendering
 * fails) at the static HTML the inspection fetched, saying why in `page.reason`.
 */
export async function lookAtPage(input: LookInput): Promise<Look> {
  const lease = await input.browser.acquire();
  let reason: string;
  if ("browser" in lease) {
    try {
      const rendered = await renderPage(lease.browser, {
        url: input.inspection.finalUrl,
        fetchStore: input.fetchStore,
        thirdParty: input.config.AUDIT_THIRD_PARTY,
        timeoutMs: input.config.AUDIT_BROWSER_TIMEOUT_MS,
        jsPaths: input.data.jsPaths,
        domProperties: input.data.domProperties,
        signal: input.signal,
      });
      return await fromRendered(input, rendered);
    } catch (error) {
      if (input.signal?.aborted) throw error;
      reason = `rendering failed: ${firstLine(error)}`;
      input.log.warn({ err: error }, "home page rendering failed; reading the static HTML");
    }
  } else {
    reason = lease.reason;
  }
  return await fromStatic(input, reason);
}

async function fromRendered(input: LookInput, rendered: RenderedPage): Promise<Look> {
  const sources = readPageSources(rendered.html, rendered.url);
  const view = renderedPageView({
    url: rendered.url,
    html: rendered.html,
    headers: rendered.document.headers,
    sources,
    requests: rendered.log.requests,
    scriptBodies: rendered.log.scriptBodies,
    globals: rendered.globals,
    domProperties: rendered.domProperties,
    cookies: rendered.cookies,
  });
  const fromWindow = rendered.shopify ? windowGlobals(rendered.shopify) : null;
  return {
    sources,
    globals: fromWindow ?? readShopifyGlobals(input.inspection.html),
    report: await detectApps(view, input.inspection.finalHost, input.data),
    page: {
      mode: "browser",
      reason: null,
      url: rendered.url,
      globalsSource: fromWindow ? "window" : "html",
      scripts: view.scriptSrcs,
      requests: rendered.log.requests,
      overLimit: rendered.log.overLimit,
      loadTimedOut: rendered.loadTimedOut,
      timings: rendered.timings,
    },
    screenshot: rendered.screenshot,
  };
}

async function fromStatic(input: LookInput, reason: string): Promise<Look> {
  const { inspection } = input;
  const sources = readPageSources(inspection.html, inspection.finalUrl);
  const view = staticPageView(inspection.html, inspection.finalUrl, inspection.headers, sources);
  return {
    sources,
    globals: readShopifyGlobals(inspection.html),
    report: await detectApps(view, inspection.finalHost, input.data),
    page: {
      mode: "static",
      reason,
      url: inspection.finalUrl,
      globalsSource: "html",
      scripts: view.scriptSrcs,
      requests: [],
      overLimit: 0,
      loadTimedOut: false,
      timings: null,
    },
    screenshot: null,
  };
}

/** `window.Shopify`'s facts in the shape the HTML reader gives; null when it has none. */
function windowGlobals(shopify: Record<string, unknown>): ShopifyGlobals | null {
  const globals: ShopifyGlobals = {};
  if (typeof shopify.shop === "string") globals.shop = shopify.shop;
  if (typeof shopify.locale === "string") globals.locale = shopify.locale;
  if (typeof shopify.country === "string") globals.country = shopify.country;
  if (typeof shopify.currency === "string") globals.currency = shopify.currency;
  const theme = shopify.theme;
  if (typeof theme === "object" && theme !== null) {
    globals.theme = theme as ShopifyGlobals["theme"];
  }
  return Object.keys(globals).length > 0 ? globals : null;
}
