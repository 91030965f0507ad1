/** What a sitemap URL points at; stored in `sitemap_urls.kind`. */
export const urlKinds = ["product", "collection", "page", "blog", "other"] as const;
export type UrlKind = (typeof urlKinds)[number];

const CHILD_PATTERNS: ReadonlyArray<readonly [RegExp, UrlKind]> = [
  [/^sitemap_products_/, "product"],
  [/^sitemap_collections_/, "collection"],
  [/^sitemap_pages_/, "page"],
  [/^sitemap_blogs_/, "blog"],
];

const PATH_PATTERNS: ReadonlyArray<readonly [RegExp, UrlKind]> = [
  [/^\/(?:[a-z]{2}(?:-[a-z0-9]+)?\/)?products\/[^/]+/i, "product"],
  [/^\/(?:[a-z]{2}(?:-[a-z0-9]+)?\/)?collections\/[^/]+/i, "collection"],
  [/^\/(?:[a-z]{2}(?:-[a-z0-9]+)?\/)?pages\/[^/]+/i, "page"],
  [/^\/(?:[a-z]{2}(?:-[a-z0-9]+)?\/)?blogs\//i, "blog"],
];

/**
 * Kind of a child sitemap from its file name, as Shopify names them
 * (`sitemap_products_1.xml?from=..&to=..`); any other name is `other`.
 */
export function childKind(loc: string): UrlKind {
  const file = fileName(loc);
  return CHILD_PATTERNS.find(([pattern]) => pattern.test(file))?.[1] ?? "other";
}

/** Kind of a page URL from its path, for a store whose root sitemap is a plain urlset. */
export function pathKind(loc: string): UrlKind {
  const path = URL.parse(loc)?.pathname ?? "";
  return PATH_PATTERNS.find(([pattern]) => pattern.test(path))?.[1] ?? "other";
}

/**
 * True for the store's home page, which Shopify lists first in every product sitemap, and for
 * a Markets locale's home page (`/en-ca/`), first in that locale's product sitemaps.
 */
export function isHomePage(loc: string): boolean {
  const url = URL.parse(loc);
  return url !== null && /^\/(?:[a-z]{2}(?:-[a-z0-9]+)?\/?)?$/i.test(url.pathname);
}

/**
 * The handle of `/collections/<handle>`, `/pages/<handle>` or `/products/<handle>`
 * (percent-decoded), or null when the URL has no such segment.
 */
export function handleAfter(
  loc: string,
  segment: "collections" | "pages" | "products",
): string | null {
  const parts = (URL.parse(loc)?.pathname ?? "").split("/").filter(Boolean);
  const at = parts.indexOf(segment);
  const raw = at === -1 ? undefined : parts[at + 1];
  if (!raw) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function fileName(loc: string): string {
  const url = URL.parse(loc);
  const path = url ? url.pathname : (loc.split("?")[0] ?? "");
  return path.slice(path.lastIndexOf("/") + 1).toLowerCase();
}
