/** Handlers of the generated store's JSON endpoints (paged lists and single products). */

import { listedProducts, type PageCap, servesShape } from "./catalog-modes.ts";
import { messyProduct } from "./messy-data.ts";
import type { Product } from "./model.ts";
import { MAX_PAGE_TIMES_LIMIT, pageOf, parsePaging } from "./paging.ts";
import { toLiquidProductJs, toSingleProductJson } from "./product-views.ts";
import { notFoundJson, reply, replyJson } from "./responses.ts";
import { collectionJson, shopMetaJson } from "./shop-documents.ts";
import { collectionProducts, type StoreIndex } from "./store-index.ts";

/**
 * Serves one page of `items` under `key`, or Shopify's `errors` answer (400 unless the cap
 * says 200) when page × limit is past the cap.
 */
export function pagedJson<T>(
  shopId: number | null,
  url: URL,
  key: string,
  items: readonly T[],
  view: (item: T) => unknown = (item) => item,
  cap: Required<PageCap> = { maxPageTimesLimit: MAX_PAGE_TIMES_LIMIT, status: 400 },
): Response {
  const parsed = parsePaging(url.searchParams, cap.maxPageTimesLimit);
  if (!parsed.ok) return replyJson(shopId, { errors: parsed.error }, cap.status);
  return replyJson(shopId, { [key]: pageOf(items, parsed.paging).map(view) });
}

/** Single product in the `.json` or `.js` shape; unknown handles answer 404. */
export function productDocument(
  shopId: number | null,
  product: Product | undefined,
  shape: "json" | "js",
): Response {
  if (!product) return notFoundJson(shopId);
  const body = shape === "json" ? toSingleProductJson(product) : toLiquidProductJs(product);
  return replyJson(shopId, body);
}

/**
 * Single product in the `.json` or `.js` shape, after the catalog modes: a `.js`-only product
 * answers 404 under `.json`, a page-only one under both.
 */
export function singleProduct(index: StoreIndex, handle: string, shape: "json" | "js"): Response {
  const product = index.productsByHandle.get(handle);
  const served = servesShape(index.catalog, handle, shape);
  return productDocument(index.store.shop.id, served ? product : undefined, shape);
}

/** `/products.json`, or the 404 / HTML page of a store that disabled it. */
export function productsJson(index: StoreIndex, url: URL): Response {
  const shopId = index.store.shop.id;
  const mode = index.catalog.productsJson;
  if (mode === "not-found") return notFoundJson(shopId);
  if (mode === "html")
    return reply(shopId, "html", "<!doctype html><html><body>Log in</body></html>");
  const listed = listedProducts(index.catalog, index.store.products, "products.json");
  return pagedJson(shopId, url, "products", listed, listView(index), index.catalog.pageCap);
}

/** How a list shows each product: as is, or messy for the `messy` mode's handles. */
function listView(index: StoreIndex): (product: Product) => unknown {
  const { messy } = index.catalog;
  if (messy.size === 0) return (product) => product;
  return (product) => (messy.has(product.handle) ? messyProduct(product) : product);
}

export function collectionsJson(index: StoreIndex, url: URL): Response {
  return pagedJson(
    index.store.shop.id,
    url,
    "collections",
    index.store.collections,
    collectionJson,
    index.catalog.pageCap,
  );
}

export function collectionProductsJson(index: StoreIndex, url: URL, handle: string): Response {
  const products = collectionProducts(index, handle);
  if (!products) return notFoundJson(index.store.shop.id);
  const listed = listedProducts(index.catalog, products, "collection");
  const { pageCap } = index.catalog;
  return pagedJson(index.store.shop.id, url, "products", listed, listView(index), pageCap);
}

export function metaJson(index: StoreIndex): Response {
  return replyJson(index.store.shop.id, shopMetaJson(index));
}
