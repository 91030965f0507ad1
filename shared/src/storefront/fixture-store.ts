/**
 * A storefront backed by captured real files: pages, sitemaps and robots.txt are served byte
 * for byte from disk, and an optional products array backs the product JSON endpoints.
 */

import { readFileSync, statSync } from "node:fs";
import { extname, join, resolve, sep } from "node:path";
import { pagedJson, productDocument } from "./json-routes.ts";
import type { Product } from "./model.ts";
import { type ContentKind, isJsonPath, notFoundJson, reply } from "./responses.ts";
import type { StorefrontHandler } from "./routes.ts";
import { safeDecode } from "./text.ts";

export interface FixtureStoreOptions {
  /** Directories searched in order; a path is served from the first root that holds it. */
  roots: string[];
  /** JSON array of products in the `/products.json` shape; without it those endpoints 404. */
  productsArrayFile?: string;
}

/** A loaded fixture store; build it with `loadFixtureStore`. */
export interface FixtureStore {
  roots: string[];
  products: Product[] | null;
  productsByHandle: Map<string, Product>;
  /** Shop id read from a captured robots.txt (its checkout paths), sent as `x-shopid`. */
  shopId: number | null;
}

function readProducts(file: string): Product[] {
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  const valid =
    Array.isArray(parsed) &&
    parsed.every((p) => typeof p?.id === "number" && typeof p?.handle === "string");
  if (!valid) throw new Error(`${file}: expected a JSON array of products with id and handle`);
  return parsed as Product[];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function findShopId(roots: readonly string[]): number | null {
  for (const root of roots) {
    const robots = join(root, "robots.txt");
    if (!isFile(robots)) continue;
    const match = /^Disallow: \/(\d+)\/checkouts/m.exec(readFileSync(robots, "utf8"));
    if (match) return Number(match[1]);
  }
  return null;
}

/**
 * Loads a fixture store synchronously (awaiting the result is harmless). Throws when the
 * products array file is unreadable or not an array of products.
 */
export function loadFixtureStore(options: FixtureStoreOptions): FixtureStore {
  const roots = options.roots.map((root) => resolve(root));
  const products = options.productsArrayFile ? readProducts(options.productsArrayFile) : null;
  return {
    roots,
    products,
    productsByHandle: new Map((products ?? []).map((product) => [product.handle, product])),
    shopId: findShopId(roots),
  };
}

/** Relative file names a request path may be stored under, most specific first. */
function candidates(pathname: string): string[] {
  if (pathname === "/" || pathname.endsWith("/")) return [`${pathname}index.html`];
  if (extname(pathname) !== "") return [pathname];
  return [`${pathname}/index.html`, `${pathname}.html`, pathname];
}

/** The captured file for a path, or null; paths escaping a root never match. */
export function resolveFixtureFile(fixture: FixtureStore, pathname: string): string | null {
  const decoded = safeDecode(pathname);
  if (decoded === null || decoded.includes("\0") || decoded.split("/").includes("..")) {
    return null;
  }
  for (const root of fixture.roots) {
    for (const name of candidates(decoded)) {
      const file = resolve(root, `.${name}`);
      if (file.startsWith(root + sep) && isFile(file)) return file;
    }
  }
  return null;
}

const KIND_BY_EXTENSION: Record<string, ContentKind> = {
  ".html": "html",
  ".xml": "xml",
  ".json": "json",
  ".txt": "text",
};

/** Answers the product JSON endpoints from the products array, or null when not one. */
function productsRoute(fixture: FixtureStore, url: URL): Response | null {
  if (!fixture.products) return null;
  if (url.pathname === "/products.json") {
    return pagedJson(fixture.shopId, url, "products", fixture.products);
  }
  const single = /^\/products\/([^/]+)\.(json|js)$/.exec(url.pathname);
  if (!single) return null;
  const product = fixture.productsByHandle.get(safeDecode(single[1] ?? "") ?? "");
  return productDocument(fixture.shopId, product, single[2] === "js" ? "js" : "json");
}

/** Serves captured files first, then the products array; anything else answers 404. */
export function createFixtureHandler(fixture: FixtureStore): StorefrontHandler {
  return (request) => {
    const url = new URL(request.url);
    const file = resolveFixtureFile(fixture, url.pathname);
    if (file) {
      const kind = KIND_BY_EXTENSION[extname(file)] ?? "text";
      return reply(fixture.shopId, kind, Bun.file(file));
    }
    const fromProducts = productsRoute(fixture, url);
    if (fromProducts) return fromProducts;
    if (isJsonPath(url.pathname)) return notFoundJson(fixture.shopId);
    return reply(fixture.shopId, "html", "<!doctype html><title>404 Not Found</title>", 404);
  };
}
