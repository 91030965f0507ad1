import { AppError } from "../errors.ts";
import type { StoreFetcher, StoreResponse } from "./fetch.ts";
import { readShopifyGlobals } from "./globals.ts";
import { NOT_SHOPIFY_MESSAGE, PASSWORD_PROTECTED_MESSAGE } from "./messages.ts";
import { readCapped } from "./read-capped.ts";

/** Home pages past this size are cut: what identifies a store is near the top. */
const MAX_HTML_BYTES = 5 * 1024 * 1024;

/** What the storefront's home page says about the store behind a domain. */
export interface StoreInspection {
  /** The host the redirect chain ended on: the store's primary domain. */
  finalHost: string;
  finalUrl: string;
  status: number;
  html: string;
  headers: Headers;
  /** Names of the Shopify signals found (headers, globals, asset hosts). */
  signals: string[];
  passwordProtected: boolean;
  /** `Shopify.shop` of the page, e.g. `maison.myshopify.com`; null when the page has none. */
  myshopifyDomain: string | null;
  /** The redirect chain from `https://<domain>/` to the final URL. */
  redirects: StoreResponse["redirects"];
}

/**
 * Fetches `https://<domain>/`, following redirects (custom domain → primary domain, country
 * domains, `*.myshopify.com`), and reads the Shopify signals of the page the chain ends on.
 * A page without any signal is given one more chance: the Shopify banner of its robots.txt.
 */
export async function inspectStore(fetchStore: StoreFetcher, domain: string) {
  const { response, url, redirects } = await fetchStore(`https://${domain}/`, {
    headers: { accept: "text/html" },
  });
  const html = await readCapped(response, MAX_HTML_BYTES);
  const signals = shopifySignals(response.headers, html);
  if (signals.length === 0 && response.status < 400 && (await hasShopifyRobots(fetchStore, url))) {
    signals.push("robots:banner");
  }
  const inspection: StoreInspection = {
    finalHost: url.hostname,
    finalUrl: url.toString(),
    status: response.status,
    html,
    headers: response.headers,
    signals,
    passwordProtected: isPasswordPage(url, redirects, response.headers),
    myshopifyDomain: readShopifyGlobals(html).shop ?? null,
    redirects,
  };
  return inspection;
}

/**
 * A store is locked when its page says so in `server-timing` (`pageType;desc="password"`), or
 * when the redirect chain ends on `/password` through a 301 or 302. A redirect alone (to the
 * primary domain, a country domain, a locale path) says nothing about a password.
 */
export function isPasswordPage(
  url: URL,
  redirects: StoreResponse["redirects"],
  headers: Headers,
): boolean {
  if (/pageType;\s*desc="?password"?/i.test(headers.get("server-timing") ?? "")) return true;
  const last = redirects.at(-1);
  const endsOnPassword = url.pathname.replace(/\/+$/, "") === "/password";
  return endsOnPassword && (last?.status === 301 || last?.status === 302);
}

/** Throws the reference's error when the inspected site cannot be analysed. */
export function assertAnalysable(inspection: StoreInspection): void {
  if (inspection.passwordProtected) {
    throw new AppError("password_protected", PASSWORD_PROTECTED_MESSAGE);
  }
  if (inspection.status === 429 || inspection.status >= 500) {
    throw new AppError(
      "store_unreachable",
      `The store answered ${inspection.status}; try again later.`,
      true,
    );
  }
  if (inspection.signals.length === 0 || inspection.status >= 400) {
    throw new AppError("not_shopify", NOT_SHOPIFY_MESSAGE);
  }
}

/** The first line Shopify writes in every storefront's robots.txt. */
const ROBOTS_BANNER = /^#\s*we use Shopify as our ecommerce platform\s*$/im;

/** True when the host's robots.txt carries Shopify's banner; false when it cannot be read. */
async function hasShopifyRobots(fetchStore: StoreFetcher, page: URL): Promise<boolean> {
  try {
    const { response } = await fetchStore(new URL("/robots.txt", page), {
      headers: { accept: "text/plain" },
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return false;
    }
    return ROBOTS_BANNER.test((await readCapped(response, 64 * 1024)).slice(0, 4096));
  } catch {
    return false;
  }
}

/**
 * Signals that only a Shopify storefront sends. A page that merely mentions Shopify in its text
 * matches none of them.
 */
export function shopifySignals(headers: Headers, html: string): string[] {
  const signals: string[] = [];
  if (headers.has("x-shopid")) signals.push("header:x-shopid");
  if (headers.has("x-shopify-stage")) signals.push("header:x-shopify-stage");
  if (/shopify/i.test(headers.get("powered-by") ?? "")) signals.push("header:powered-by");
  if (/_shopify_[a-z]+=/.test(headers.get("set-cookie") ?? "")) signals.push("cookie:_shopify");
  if (/Shopify\.shop\s*=\s*"[^"]+\.myshopify\.com"/.test(html)) signals.push("html:Shopify.shop");
  if (/Shopify\.theme\s*=\s*\{/.test(html)) signals.push("html:Shopify.theme");
  if (/["'(](?:https?:)?\/\/cdn\.shopify\.com\/s\/files\//.test(html)) {
    signals.push("asset:cdn.shopify.com");
  }
  if (/["'(](?:https?:)?\/\/[^"'\s/]+\/cdn\/shop\//.test(html)) signals.push("asset:/cdn/shop/");
  return signals;
}
