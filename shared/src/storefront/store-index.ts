/** Lookup tables over a store model, built once when a storefront starts. */

import { type CatalogModes, type CatalogRules, catalogRules } from "./catalog-modes.ts";
import type { Collection, Page, Product, StoreModel } from "./model.ts";

/** Shopify splits the product sitemap into children of this many products. */
export const DEFAULT_SITEMAP_CHUNK_SIZE = 2_500;

export interface StoreIndex {
  store: StoreModel;
  productsByHandle: Map<string, Product>;
  collectionsByHandle: Map<string, Collection>;
  pagesByHandle: Map<string, Page>;
  /** Products by ascending id, cut into sitemap children (`sitemap_products_<n>.xml`). */
  sitemapChunks: Product[][];
  /** Which products each list hides, and which answer only as `.js`. */
  catalog: CatalogRules;
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
  const sorted = [...store.products].sort((a, b) => a.id - b.id);
  return {
    store,
    productsByHandle: byHandle(store.products),
    collectionsByHandle: byHandle(store.collections),
    pagesByHandle: byHandle(store.pages),
    sitemapChunks: chunk(sorted, Math.max(1, Math.floor(sitemapChunkSize))),
    catalog: catalogRules(modes),
  };
}

/** The products of a collection, in its order; "all" is every product, as on Shopify. */
export function collectionProducts(index: StoreIndex, handle: string): Product[] | null {
  if (handle === "all") return index.store.products;
  const collection = index.collectionsByHandle.get(handle);
  if (!collection) return null;
  return collection.productHandles.flatMap((productHandle) => {
    const product = index.productsByHandle.get(productHandle);
    return product ? [product] : [];
  });
}
