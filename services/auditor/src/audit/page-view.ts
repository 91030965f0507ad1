import { parseHTML } from "linkedom";
import { type DomIndex, indexDocument } from "./dom-index.ts";
import type { PageSources } from "./page-sources.ts";
import { asyncLoadUrls } from "./shopify-signals.ts";

export type ParsedDocument = ReturnType<typeof parseHTML>["document"];

/** A request the rendered page made, and what became of it. */
export interface PageRequest {
  url: string;
  /** The browser's resource type: `document`, `script`, `stylesheet`, `xhr`, `fetch`, … */
  type: string;
  /**
   * `store`: served by the store; `fetched`: another host, fetched through the address guard;
   * `blocked`: not allowed to leave the machine; `failed`: the fetch failed or timed out.
   */
  outcome: "store" | "fetched" | "blocked" | "failed";
  status: number | null;
}

/**
 * Everything the fingerprint matcher looks at, from the static HTML or from the rendered
 * page. The browser adds what only running the page shows: requests, globals, cookies.
 */
export interface PageView {
  url: string;
  html: string;
  /** The page's elements, for the fingerprints' CSS selectors. */
  dom: DomIndex;
  /** Script URLs: `<script src>` of the HTML, plus every script the browser requested. */
  scriptSrcs: string[];
  /** `<link href>` URLs (stylesheets, preloads). */
  linkHrefs: string[];
  /** Inline script texts, plus the bodies of scripts the browser loaded (capped). */
  scriptTexts: string[];
  /** Every request of the rendered page; empty in static mode. */
  requests: PageRequest[];
  meta: Array<{ name: string; content: string }>;
  headers: Headers;
  cookies: Array<{ name: string; value: string }>;
  /**
   * Global variables by path. From the browser: values read from `window` (objects and
   * functions as ""). Static: names inline scripts assign, each as "" (their value unknown).
   */
  globals: Map<string, string>;
  globalsSource: "runtime" | "inline";
  /**
   * Selector to property to value, read from the rendered page's elements for the rules
   * that test DOM properties (values as for globals); empty in static mode.
   */
  domProperties: Map<string, Map<string, string>>;
}

/**
 * A view of the static HTML: no requests; the scripts Shopify's `asyncLoad` would load count
 * as script sources; globals are the names inline scripts assign.
 */
export function staticPageView(
  html: string,
  url: string,
  headers: Headers,
  sources: PageSources,
): PageView {
  const { document } = parseHTML(html);
  return {
    url,
    html,
    dom: indexDocument(document),
    scriptSrcs: [...new Set([...sources.scriptSrcs, ...asyncLoadUrls(sources.inlineScripts)])],
    linkHrefs: sources.linkHrefs,
    scriptTexts: sources.inlineScripts,
    requests: [],
    meta: readMeta(document),
    headers,
    cookies: cookiesFromHeaders(headers),
    globals: assignedGlobals(sources.inlineScripts),
    globalsSource: "inline",
    domProperties: new Map(),
  };
}

/** What the browser saw of the page, with the sources read from its rendered DOM. */
export interface RenderedInput {
  url: string;
  html: string;
  headers: Headers;
  sources: PageSources;
  requests: PageRequest[];
  scriptBodies: string[];
  globals: Map<string, string>;
  /** What the browser read for the property rules; none when left out. */
  domProperties?: Map<string, Map<string, string>>;
  cookies: Array<{ name: string; value: string }>;
}

/**
 * A view of the rendered page: the DOM after scripts ran, every script requested (loaded,
 * refused or failed: each shows what the page asked for) and the globals read from `window`.
 */
export function renderedPageView(input: RenderedInput): PageView {
  const { document } = parseHTML(input.html);
  const requested = input.requests.filter((r) => r.type === "script").map((r) => r.url);
  const { sources } = input;
  const cookies = [...input.cookies];
  for (const cookie of cookiesFromHeaders(input.headers)) {
    if (!cookies.some((c) => c.name === cookie.name)) cookies.push(cookie);
  }
  return {
    url: input.url,
    html: input.html,
    dom: indexDocument(document),
    scriptSrcs: [
      ...new Set([...sources.scriptSrcs, ...asyncLoadUrls(sources.inlineScripts), ...requested]),
    ],
    linkHrefs: sources.linkHrefs,
    scriptTexts: [...sources.inlineScripts, ...input.scriptBodies],
    requests: input.requests,
    meta: readMeta(document),
    headers: input.headers,
    cookies,
    globals: input.globals,
    globalsSource: "runtime",
    domProperties: input.domProperties ?? new Map(),
  };
}

/** `<meta name|property content>` pairs, names lower-cased. */
export function readMeta(document: ParsedDocument): Array<{ name: string; content: string }> {
  const pairs: Array<{ name: string; content: string }> = [];
  for (const tag of document.querySelectorAll("meta")) {
    const name = tag.getAttribute("name") ?? tag.getAttribute("property");
    const content = tag.getAttribute("content");
    if (name && content !== null) pairs.push({ name: name.toLowerCase(), content });
  }
  return pairs;
}

/** Cookie names and values from `Set-Cookie` headers. */
export function cookiesFromHeaders(headers: Headers): Array<{ name: string; value: string }> {
  return headers.getSetCookie().flatMap((line) => {
    const pair = line.split(";")[0] ?? "";
    const at = pair.indexOf("=");
    return at > 0 ? [{ name: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim() }] : [];
  });
}

const DOTTED_NAME = "[A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*";
const DEFINER = "\\bwindow\\.|\\bself\\.|\\bvar\\s+|\\blet\\s+|\\bconst\\s+|\\bfunction\\s+";
const ASSIGNMENT = new RegExp(`(?:${DEFINER})(${DOTTED_NAME})\\s*(?:=(?!=)|\\()`, "g");

/**
 * Global names inline scripts define (`window.klaviyo =`, `var meta =`, `function f(`),
 * with each dotted prefix (`window.a.b =` defines `a` and `a.b`). Static mode's stand-in for
 * reading `window`: a script that is never run still shows what it would define.
 */
export function assignedGlobals(scripts: string[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const script of scripts) {
    for (const match of script.matchAll(ASSIGNMENT)) {
      const path = match[1] ?? "";
      const parts = path.split(".");
      for (let i = 1; i <= parts.length; i++) names.set(parts.slice(0, i).join("."), "");
    }
  }
  return names;
}
