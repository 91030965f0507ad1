/**
 * Shopify's own traces of installed apps, and the guard against look-alike sites that copy
 * Shopify's markup: only what a store's server sends proves the page is a Shopify storefront.
 */

import type { Evidence } from "./evidence.ts";
import { clip } from "./evidence.ts";

/** An app script or asset Shopify loads for an installed app. */
export interface ShopifyAppTrace {
  /** The app's handle (extension folder) or script host. */
  name: string;
  version: string | null;
  url: string;
  evidence: Evidence;
}

const EXTENSION_PATH = /^\/extensions\/([^/]+)\/([^/]+)\//;
const VERSIONED_HANDLE = /^(.+?)-(\d+(?:\.\d+)+)$/;

/**
 * Reads the app traces in a page's URLs: scripts loaded with `?shop=` (Shopify's app script
 * tags) and theme app extension assets under `cdn.shopify.com/extensions/<id>/<app>-<version>/`.
 * The store's own theme assets are not app traces. One trace per URL, in the order seen.
 */
export function shopifyAppTraces(urls: Iterable<string>, storeHost: string): ShopifyAppTrace[] {
  const traces: ShopifyAppTrace[] = [];
  const seen = new Set<string>();
  for (const raw of urls) {
    if (seen.has(raw)) continue;
    seen.add(raw);
    const url = URL.parse(raw);
    if (!url) continue;
    const host = url.hostname.toLowerCase();
    const extension = host === "cdn.shopify.com" ? EXTENSION_PATH.exec(url.pathname) : null;
    if (extension?.[2]) {
      const folder = decodeURIComponent(extension[2]);
      const versioned = VERSIONED_HANDLE.exec(folder);
      traces.push({
        name: versioned?.[1] ?? folder,
        version: versioned?.[2] ?? null,
        url: raw,
        evidence: { kind: "app_extension", value: clip(raw), detail: `extension ${extension[1]}` },
      });
      continue;
    }
    if (!url.searchParams.has("shop") || isShopifyHost(host, storeHost)) continue;
    traces.push({
      name: host,
      version: null,
      url: raw,
      evidence: {
        kind: "shop_param",
        value: clip(raw),
        detail: `shop=${url.searchParams.get("shop")}`,
      },
    });
  }
  return traces;
}

/** Hosts that serve the store itself or Shopify's platform scripts, never an app's own. */
function isShopifyHost(host: string, storeHost: string): boolean {
  return (
    host === storeHost ||
    host === "cdn.shopify.com" ||
    host.endsWith(".myshopify.com") ||
    host.endsWith(".shopifysvc.com") ||
    host.endsWith(".shopifycloud.com")
  );
}

/**
 * The server's own proof that the page is a Shopify storefront: headers and cookies that
 * copying the HTML cannot produce. Markup (`Shopify.theme`, `cdn.shopify.com` assets, `?shop=`
 * URLs) is what a look-alike copies, so it never counts here.
 */
export function serverShopifySignals(headers: Headers, cookies: Array<{ name: string }>): string[] {
  const signals: string[] = [];
  if (headers.has("x-shopid")) signals.push("header:x-shopid");
  if (headers.has("x-shopify-stage")) signals.push("header:x-shopify-stage");
  if (/shopify/i.test(headers.get("powered-by") ?? "")) signals.push("header:powered-by");
  if (cookies.some((c) => /^_shopify_[a-z_]+$/.test(c.name))) signals.push("cookie:_shopify");
  return signals;
}

/**
 * The app scripts Shopify's inline `asyncLoad` function loads after the page (its
 * `var urls = [...]` list, JSON escapes undone): in the static HTML they appear nowhere else.
 */
export function asyncLoadUrls(scripts: string[]): string[] {
  const urls: string[] = [];
  for (const script of scripts) {
    const list = /function asyncLoad\(\)\s*\{\s*var urls\s*=\s*\[([^\]]*)\]/.exec(script);
    if (!list?.[1]) continue;
    const text = list[1].replace(/\\\//g, "/").replace(/\\u0026/gi, "&");
    for (const match of text.matchAll(/"(https?:\/\/[^"\s]+)"/g)) {
      if (match[1]) urls.push(match[1]);
    }
  }
  return urls;
}
