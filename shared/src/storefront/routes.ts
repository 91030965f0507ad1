/** Request routing of the generated storefront: one table from path pattern to handler. */

import type { CatalogModes } from "./catalog-modes.ts";
import {
  COLLECTION_PAGE_SIZE,
  renderCollection,
  renderHome,
  renderNotFound,
  renderPage,
  renderProduct,
} from "./html-pages.ts";
import {
  collectionProductsJson,
  collectionsJson,
  metaJson,
  productsJson,
  singleProduct,
} from "./json-routes.ts";
import type { StoreModel } from "./model.ts";
import { isJsonPath, notFoundJson, reply } from "./responses.ts";
import { robotsTxt } from "./shop-documents.ts";
import {
  blogsSitemapXml,
  collectionsSitemapXml,
  pagesSitemapXml,
  productSitemapXml,
  sitemapIndexXml,
  unknownChildXml,
} from "./sitemap.ts";
import {
  collectionProducts,
  DEFAULT_SITEMAP_CHUNK_SIZE,
  indexStore,
  type StoreIndex,
} from "./store-index.ts";
import { safeDecode } from "./text.ts";

/** A storefront request handler, shared by the generated and the fixture stores. */
export type StorefrontHandler = (request: Request) => Response | Promise<Response>;

export interface StoreRoutesOptions {
  /** Products per `sitemap_products_<n>.xml` child; default 2,500 like Shopify. */
  sitemapChunkSize?: number;
  /** Which lists hide which products (default: none hidden). */
  catalog?: CatalogModes;
}

type RouteHandler = (index: StoreIndex, url: URL, param: string) => Response;

interface Route {
  pattern: RegExp;
  handle: RouteHandler;
}

const xml = (index: StoreIndex, body: string, status = 200) =>
  reply(index.store.shop.id, "xml", body, status);
const html = (index: StoreIndex, body: string, status = 200) =>
  reply(index.store.shop.id, "html", body, status);

/** 404 the way the storefront does: JSON under `.json`/`.js` paths, the theme's page elsewhere. */
export function storeNotFound(index: StoreIndex, pathname: string): Response {
  if (isJsonPath(pathname)) return notFoundJson(index.store.shop.id);
  return html(index, renderNotFound(index), 404);
}

/**
 * A product child must carry its from/to id range, as linked from the index; else 400. Under
 * a locale path (`/en-ca/sitemap_products_1.xml`) it exists only for the store's locales.
 */
function productSitemap(index: StoreIndex, url: URL, param: string): Response {
  const locale = /^\/([^/]+)\/sitemap_products_/.exec(url.pathname)?.[1];
  if (locale !== undefined && !index.catalog.sitemaps.locales.includes(locale)) {
    return storeNotFound(index, url.pathname);
  }
  const from = url.searchParams.get("from") ?? "";
  const to = url.searchParams.get("to") ?? "";
  if (!/^\d+$/.test(from) || !/^\d+$/.test(to)) {
    return reply(index.store.shop.id, "text", "Bad Request: from and to are required\n", 400);
  }
  const chunk = index.sitemapChunks[Number(param) - 1];
  if (!chunk) return storeNotFound(index, url.pathname);
  const inRange = chunk.filter((p) => p.id >= Number(from) && p.id <= Number(to));
  return xml(index, productSitemapXml(index, inRange, locale === undefined ? "" : `/${locale}`));
}

function unknownChild(index: StoreIndex, url: URL): Response {
  if (!index.catalog.sitemaps.unknownChild) return storeNotFound(index, url.pathname);
  return xml(index, unknownChildXml(index));
}

function collectionPage(index: StoreIndex, url: URL, handle: string): Response {
  const products = collectionProducts(index, handle);
  if (!products) return storeNotFound(index, url.pathname);
  const collection = index.collectionsByHandle.get(handle) ?? null;
  const page = Math.max(1, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1);
  const lastPage = Math.max(1, Math.ceil(products.length / COLLECTION_PAGE_SIZE));
  return html(index, renderCollection(index, collection, products, Math.min(page, lastPage)));
}

function productPage(index: StoreIndex, url: URL, handle: string): Response {
  const product = index.productsByHandle.get(handle);
  if (!product) return storeNotFound(index, url.pathname);
  return html(index, renderProduct(index, product));
}

function pagePage(index: StoreIndex, url: URL, handle: string): Response {
  const page = index.pagesByHandle.get(handle);
  if (!page) return storeNotFound(index, url.pathname);
  return html(index, renderPage(index, page));
}

const ROUTES: readonly Route[] = [
  { pattern: /^\/products\.json$/, handle: productsJson },
  { pattern: /^\/collections\.json$/, handle: collectionsJson },
  { pattern: /^\/collections\/([^/]+)\/products\.json$/, handle: collectionProductsJson },
  { pattern: /^\/products\/([^/]+)\.json$/, handle: (i, _u, h) => singleProduct(i, h, "json") },
  { pattern: /^\/products\/([^/]+)\.js$/, handle: (i, _u, h) => singleProduct(i, h, "js") },
  { pattern: /^\/meta\.json$/, handle: metaJson },
  { pattern: /^\/sitemap\.xml$/, handle: (i) => xml(i, sitemapIndexXml(i)) },
  { pattern: /^\/sitemap_products_(\d+)\.xml$/, handle: productSitemap },
  { pattern: /^\/[a-z]{2}(?:-[a-z0-9]+)?\/sitemap_products_(\d+)\.xml$/, handle: productSitemap },
  { pattern: /^\/sitemap_metaobjects_1\.xml$/, handle: unknownChild },
  { pattern: /^\/sitemap_pages_1\.xml$/, handle: (i) => xml(i, pagesSitemapXml(i)) },
  { pattern: /^\/sitemap_collections_1\.xml$/, handle: (i) => xml(i, collectionsSitemapXml(i)) },
  { pattern: /^\/sitemap_blogs_1\.xml$/, handle: (i) => xml(i, blogsSitemapXml()) },
  { pattern: /^\/robots\.txt$/, handle: (i) => reply(i.store.shop.id, "text", robotsTxt(i)) },
  { pattern: /^\/$/, handle: (i) => html(i, renderHome(i)) },
  { pattern: /^\/(?:collections\/[^/]+\/)?products\/([^/]+)$/, handle: productPage },
  { pattern: /^\/collections\/([^/]+)$/, handle: collectionPage },
  { pattern: /^\/pages\/([^/]+)$/, handle: pagePage },
];

/** Finds the route for a URL and runs it; unmatched or undecodable paths answer 404. */
export function routeStoreRequest(index: StoreIndex, url: URL): Response {
  const pathname = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
  for (const route of ROUTES) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    const param = safeDecode(match[1] ?? "");
    if (param === null) break;
    return route.handle(index, url, param);
  }
  return storeNotFound(index, pathname);
}

/** Builds the handler that serves a generated store model like a Shopify storefront. */
export function createStoreHandler(
  store: StoreModel,
  options: StoreRoutesOptions = {},
): StorefrontHandler {
  const chunkSize = options.sitemapChunkSize ?? DEFAULT_SITEMAP_CHUNK_SIZE;
  const index = indexStore(store, chunkSize, options.catalog);
  return (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return reply(store.shop.id, "text", "Method Not Allowed\n", 405);
    }
    return routeStoreRequest(index, new URL(request.url));
  };
}
