import { parseHTML } from "linkedom";

/** What a storefront page's HTML says about the page. */
export interface PageFacts {
  title: string | null;
  /** The page's id from the theme's `var meta = {...}` script, when it is a page template. */
  pageId: number | null;
  /** Inner HTML of the page content (`.rte`, else `main`), trimmed; null when neither exists. */
  bodyHtml: string | null;
}

/** Separators themes put between a page title and the shop name in `<title>`. */
const TITLE_SEPARATORS = [" – ", " — ", " - ", " | "];

/** Reads title, page id and body HTML from a page of the online store. */
export function extractPageFacts(html: string): PageFacts {
  const { document } = parseHTML(html);
  const siteName = metaContent(document, "og:site_name");
  const ogTitle = metaContent(document, "og:title");
  const rawTitle = ogTitle ?? document.querySelector("title")?.textContent?.trim() ?? null;
  const title = rawTitle ? stripSiteName(rawTitle, siteName, ogTitle === null) : null;
  const content =
    document.querySelector("main .rte") ??
    document.querySelector(".rte") ??
    document.querySelector("main");
  const bodyHtml = content ? content.innerHTML.trim() : null;
  return { title: title || null, pageId: pageIdFromMeta(html), bodyHtml };
}

function metaContent(document: Document, property: string): string | null {
  const element = document.querySelector(`meta[property="${property}"]`);
  const content = element?.getAttribute("content")?.trim();
  return content ? content : null;
}

/**
 * Drops a trailing "– Shop name". With the shop name known only that suffix goes; without it,
 * a `<title>` (never an og:title) loses its last separated part.
 */
export function stripSiteName(title: string, siteName: string | null, guess: boolean): string {
  for (const separator of TITLE_SEPARATORS) {
    if (siteName && title.endsWith(`${separator}${siteName}`)) {
      return title.slice(0, -(separator.length + siteName.length)).trim();
    }
  }
  if (siteName || !guess) return title;
  const separator = TITLE_SEPARATORS.find((s) => title.includes(s));
  return separator ? title.slice(0, title.lastIndexOf(separator)).trim() : title;
}

/**
 * The `resourceId` of `var meta = {"page":{"pageType":"page",...}}`, Shopify's analytics
 * global. The object is cut out by brace matching (strings respected) and parsed as JSON.
 */
export function pageIdFromMeta(html: string): number | null {
  const page = themeMeta(html)?.page;
  if (typeof page !== "object" || page === null) return null;
  const { pageType, resourceType, resourceId: id } = page as Record<string, unknown>;
  const isPage = pageType === "page" || resourceType === "page";
  return isPage && typeof id === "number" && Number.isSafeInteger(id) ? id : null;
}

/**
 * The object of `var meta = {...}`, Shopify's analytics global (page type, and on a product
 * page the product's id and variants), or null when the page has none that parses.
 */
export function themeMeta(html: string): Record<string, unknown> | null {
  const start = /var\s+meta\s*=\s*\{/.exec(html);
  if (!start) return null;
  const json = balancedObject(html, start.index + start[0].length - 1);
  if (json === null) return null;
  try {
    const meta: unknown = JSON.parse(json);
    return typeof meta === "object" && meta !== null && !Array.isArray(meta)
      ? (meta as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** The text of the `{...}` starting at `open`, or null when it never closes. */
function balancedObject(text: string, open: number): string | null {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return text.slice(open, i + 1);
  }
  return null;
}
