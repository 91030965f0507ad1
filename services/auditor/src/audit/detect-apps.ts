import {
  APP_FINGERPRINTS,
  type AppFingerprint,
  UNIDENTIFIED_APP_CATEGORY,
} from "./app-fingerprints.ts";
import type { PageSources } from "./page-sources.ts";

/** An app found in the page, with the first trace that gave it away. */
export interface DetectedApp {
  name: string;
  category: string;
  /** e.g. `script src https://static.klaviyo.com/…` or `inline script: window._klOnsite`. */
  evidence: string;
}

const MAX_EVIDENCE_CHARS = 200;
const MAX_INLINE_URLS = 2_000;

/**
 * Detects apps from a page's script and stylesheet URLs, the URLs its inline scripts load
 * (Shopify's `asyncLoad` list of app scripts) and the globals its inline scripts define.
 * Unknown scripts loaded with `?shop=` are reported as unidentified Shopify apps. Sorted by name.
 */
export function detectApps(sources: PageSources): DetectedApp[] {
  const found = new Map<string, DetectedApp>();
  const add = (app: DetectedApp) => {
    if (!found.has(app.name)) found.set(app.name, app);
  };
  const urls = [
    ...sources.scriptSrcs.map((url) => ({ url, via: "script src" })),
    ...sources.linkHrefs.map((url) => ({ url, via: "link href" })),
    ...inlineUrls(sources.inlineScripts).map((url) => ({ url, via: "inline script URL" })),
  ];
  for (const { url, via } of urls) {
    const app = matchUrl(url) ?? shopifyAppScript(url);
    if (app) add({ ...app, evidence: clip(`${via} ${url}`) });
  }
  for (const text of sources.inlineScripts) {
    for (const fingerprint of APP_FINGERPRINTS) {
      if (found.has(fingerprint.name)) continue;
      const snippet = matchInline(fingerprint, text);
      if (snippet) add(describe(fingerprint, clip(`inline script: ${snippet}`)));
    }
  }
  return [...found.values()].sort((a, b) => compareText(a.name, b.name));
}

function matchUrl(raw: string): Omit<DetectedApp, "evidence"> | null {
  const url = URL.parse(raw);
  if (!url) return null;
  const host = url.hostname.toLowerCase();
  const fingerprint = APP_FINGERPRINTS.find(
    (f) =>
      f.hosts.some((h) => host === h || host.endsWith(`.${h}`)) ||
      (f.urls ?? []).some((pattern) => pattern.test(url.href)),
  );
  return fingerprint ? { name: fingerprint.name, category: fingerprint.category } : null;
}

/**
 * Shopify loads app scripts with the shop's name in `?shop=`. A theme app extension lives
 * under `cdn.shopify.com/extensions/<id>/<app>/`, so its folder names the app; any other
 * such script is named by its host.
 */
function shopifyAppScript(raw: string): Omit<DetectedApp, "evidence"> | null {
  const url = URL.parse(raw);
  if (!url?.searchParams.has("shop")) return null;
  const host = url.hostname.toLowerCase();
  if (host === "cdn.shopify.com" || host.endsWith(".myshopify.com")) {
    const extension = url.pathname.match(/^\/extensions\/[^/]+\/([^/]+)\//);
    if (!extension?.[1]) return null;
    return { name: extension[1], category: UNIDENTIFIED_APP_CATEGORY };
  }
  return { name: host, category: UNIDENTIFIED_APP_CATEGORY };
}

function matchInline(fingerprint: AppFingerprint, text: string): string | null {
  for (const pattern of fingerprint.inline ?? []) {
    const match = pattern.exec(text);
    if (match) return match[0];
  }
  return null;
}

/** Absolute URLs written in inline scripts, with JSON escapes (`\/`, `\u0026`) undone. */
function inlineUrls(scripts: string[]): string[] {
  const urls: string[] = [];
  for (const script of scripts) {
    const text = script.replace(/\\\//g, "/").replace(/\\u0026/gi, "&");
    for (const match of text.matchAll(/https?:\/\/[^\s"'`<>()\\]+/g)) {
      urls.push(match[0]);
      if (urls.length >= MAX_INLINE_URLS) return urls;
    }
  }
  return urls;
}

function describe(fingerprint: AppFingerprint, evidence: string): DetectedApp {
  return { name: fingerprint.name, category: fingerprint.category, evidence };
}

function clip(text: string): string {
  return text.length > MAX_EVIDENCE_CHARS ? `${text.slice(0, MAX_EVIDENCE_CHARS - 1)}…` : text;
}

/** Case-insensitive order, ties broken by code units, so the result never depends on locale. */
function compareText(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  if (x !== y) return x < y ? -1 : 1;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
