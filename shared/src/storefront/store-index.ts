/** Lookup tables over a store model, built once when a storefront starts. */

import { type CatalogModes, type CatalogRules, catalogRules } from "./catalog-modes.ts";
import { handlesOfList, lazyHandles, lazySubList } from "./demo-lazy.ts";
import type { Collection, Page, Product, StoreModel } from "./model.ts";

/** Shopify splits the product sitemap into children of this many products. */
export const DEFAULT_SITEMAP_CHUNK_SIZE = 2_500;

/** Finds a product by handle; for a lazy store the product is built when asked. */
export type ProductLookup = Pick<ReadonlyMap<string, Product>, "get" | "has">;

export interface StoreIndex {
  store: StoreModel;
  productsByHandle: ProductLookup;
  collectionsByHandle: Map<string, Collection>;
  pagesByHandle: Map<string, Page>;
  /** Products by ascending id, cut into sitemap children (`sitemap_products_<n>.xml`). */
  sitemapChunks: (readonly Product[])[];
  /** Which products each list hides, and which answer only as `.js`. */
  catalog: CatalogRules;
  /** Each collection's products, resolved once (a lazy store's stay lazy). */
  collectionLists: Map<string, readonly Product[]>;
}

function byHandle<T extends { handle: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item.handle, item]));
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}

/** Indexes the store; `sitemapChunkSize` below 1 is treated as 1. */
export function indexStore(
  store: StoreModel,
  sitemapChunkSize: number,
  modes: CatalogModes = {},
): StoreIndex {
  const size = Math.max(1, Math.floor(sitemapChunkSize));
  const lazy = lazyHandles(store.products) !== null;
  return {
    store,
    productsByHandle: lazy ? lazyLookup(store.products) : byHandle(store.products),
    collectionsByHandle: byHandle(store.collections),
    pagesByHandle: byHandle(store.pages),
    sitemapChunks: lazy ? lazyChunks(store.products, size) : eagerChunks(store.products, size),
    catalog: catalogRules(modes),
    collectionLists: new Map(),
  };
}

function eagerChunks(products: readonly Product[], size: number): Product[][] {
  return chunk(
    [...products].sort((a, b) => a.id - b.id),
    size,
  );
}

/** A lazy store's products are built in id order, so its chunks are plain position ranges. */
function lazyChunks(products: readonly Product[], size: number): (readonly Product[])[] {
  const chunks: (readonly Product[])[] = [];
  for (let start = 0; start < products.length; start += size) {
    const end = Math.min(products.length, start + size);
    const positions = Array.from({ length: end - start }, (_, i) => start + i);
    chunks.push(lazySubList(products, positions));
  }
  return chunks;
}

function lazyLookup(products: readonly Product[]): ProductLookup {
  const positions = new Map(handlesOfList(products).map((handle, i) => [handle, i]));
  return {
    get: (handle) => {
      const position = positions.get(handle);
      return position === undefined ? undefined : products[position];
    },
    has: (handle) => positions.has(handle),
  };
}

/** The products of a collection, in its order; "all" is every product, as on Shopify. */
export function collectionProducts(index: StoreIndex, handle: string): readonly Product[] | null {
  if (handle === "all") return index.store.products;
  const known = index.collectionLists.get(handle);
  if (known) return known;
  const collection = index.collectionsByHandle.get(handle);
  if (!collection) return null;
  const products = resolveHandles(index, collection.productHandles);
  index.collectionLists.set(handle, products);
  return products;
}

function resolveHandles(index: StoreIndex, handles: readonly string[]): readonly Product[] {
  const all = index.store.products;
  if (lazyHandles(all) === null) {
    return handles.flatMap((handle) => index.productsByHandle.get(handle) ?? []);
  }
  const positions = new Map(handlesOfList(all).map((h, i) => [h, i]));
  const found = handles.flatMap((handle) => positions.get(handle) ?? []);
  return lazySubList(all, found);
}
