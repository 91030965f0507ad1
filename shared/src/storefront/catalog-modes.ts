/**
 * Switchable ways a generated store hides parts of its catalog from the list endpoints, so
 * crawler tests can check that the union of every source still finds each product.
 */

import { lazyHandles, lazySubList } from "./demo-lazy.ts";
import type { Product } from "./model.ts";
import { MAX_PAGE_TIMES_LIMIT } from "./paging.ts";

/** How the store serves its catalog; every field defaults to Shopify's normal behaviour. */
export interface CatalogModes {
  /** `/products.json`: served (default), a JSON 404, or a 200 HTML page (a login wall). */
  productsJson?: "served" | "not-found" | "html";
  /** Handles left out of `/products.json` only; collections and single products still list them. */
  hiddenFromProductsJson?: readonly string[];
  /** Handles left out of every list (`/products.json`, each collection's `products.json`). */
  unlisted?: readonly string[];
  /** Handles served only as `/products/<h>.js`: their `.json` is a 404 and no list has them. */
  jsOnly?: readonly string[];
  /**
   * Handles served only as their product page (with its JSON-LD `Product`): `.json` and `.js`
   * answer 404 and no list has them.
   */
  pageOnly?: readonly string[];
  /**
   * The page × limit cap of every paged list: past `maxPageTimesLimit` (default 25,000) the
   * store answers `{"errors": ...}` with `status` (default 400; some stores send 200).
   */
  pageCap?: PageCap;
  /**
   * Handles every list serves with messy data (see messy-data.ts): null body, vendor, SKUs
   * and compare prices, no images or tags, a title with quotes, commas and a line break.
   */
  messy?: readonly string[];
  /** Extra sitemaps: Markets locale copies of the product children and unknown child types. */
  sitemaps?: SitemapModes;
}

/** Where the paged lists stop and how they say so. */
export interface PageCap {
  maxPageTimesLimit?: number;
  status?: 400 | 200;
}

export interface SitemapModes {
  /** Locale prefixes such as `en-ca`: each gets `/<locale>/sitemap_products_<n>.xml` children. */
  locales?: readonly string[];
  /** Adds a `sitemap_metaobjects_1.xml` child, a type the crawler does not know, to the index. */
  unknownChild?: boolean;
}

/** The modes as lookup sets, built once per storefront. */
export interface CatalogRules {
  productsJson: "served" | "not-found" | "html";
  hiddenFromProductsJson: ReadonlySet<string>;
  unlisted: ReadonlySet<string>;
  jsOnly: ReadonlySet<string>;
  pageOnly: ReadonlySet<string>;
  pageCap: Required<PageCap>;
  messy: ReadonlySet<string>;
  sitemaps: { locales: readonly string[]; unknownChild: boolean };
}

export function catalogRules(modes: CatalogModes = {}): CatalogRules {
  const jsOnly = new Set(modes.jsOnly ?? []);
  const pageOnly = new Set(modes.pageOnly ?? []);
  return {
    productsJson: modes.productsJson ?? "served",
    hiddenFromProductsJson: new Set(modes.hiddenFromProductsJson ?? []),
    unlisted: new Set([...(modes.unlisted ?? []), ...jsOnly, ...pageOnly]),
    jsOnly,
    pageOnly,
    messy: new Set(modes.messy ?? []),
    pageCap: {
      maxPageTimesLimit: modes.pageCap?.maxPageTimesLimit ?? MAX_PAGE_TIMES_LIMIT,
      status: modes.pageCap?.status ?? 400,
    },
    sitemaps: {
      locales: modes.sitemaps?.locales ?? [],
      unknownChild: modes.sitemaps?.unknownChild ?? false,
    },
  };
}

/** Whether `/products/<handle>.json` (`json`) or `.js` (`js`) serves the product. */
export function servesShape(rules: CatalogRules, handle: string, shape: "json" | "js"): boolean {
  if (rules.pageOnly.has(handle)) return false;
  return shape === "js" || !rules.jsOnly.has(handle);
}

/** Lists already filtered, per rules and list, so a lazy store filters each list once. */
const filtered = new WeakMap<CatalogRules, WeakMap<readonly Product[], FilteredLists>>();
type FilteredLists = Map<"products.json" | "collection", readonly Product[]>;

/** The products a list shows: `/products.json` (`all`) or a collection's list. */
export function listedProducts(
  rules: CatalogRules,
  products: readonly Product[],
  list: "products.json" | "collection",
): readonly Product[] {
  const hideMore = list === "products.json" && rules.hiddenFromProductsJson.size > 0;
  if (rules.unlisted.size === 0 && !hideMore) return products;
  const shown = (handle: string) =>
    !rules.unlisted.has(handle) && !(hideMore && rules.hiddenFromProductsJson.has(handle));
  const handles = lazyHandles(products);
  if (handles === null) return products.filter((p) => shown(p.handle));
  const byList = filtered.get(rules) ?? new WeakMap<readonly Product[], FilteredLists>();
  filtered.set(rules, byList);
  const lists: FilteredLists = byList.get(products) ?? new Map();
  byList.set(products, lists);
  const known = lists.get(list);
  if (known) return known;
  const positions = handles.flatMap((handle, i) => (shown(handle) ? [i] : []));
  const result = lazySubList(products, positions);
  lists.set(list, result);
  return result;
}
