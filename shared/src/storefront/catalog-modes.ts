/**
 * Switchable ways a generated store hides parts of its catalog from the list endpoints, so
 * crawler tests can check that the union of every source still finds each product.
 */

import type { Product } from "./model.ts";

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
}

/** The modes as lookup sets, built once per storefront. */
export interface CatalogRules {
  productsJson: "served" | "not-found" | "html";
  hiddenFromProductsJson: ReadonlySet<string>;
  unlisted: ReadonlySet<string>;
  jsOnly: ReadonlySet<string>;
}

export function catalogRules(modes: CatalogModes = {}): CatalogRules {
  const jsOnly = new Set(modes.jsOnly ?? []);
  return {
    productsJson: modes.productsJson ?? "served",
    hiddenFromProductsJson: new Set(modes.hiddenFromProductsJson ?? []),
    unlisted: new Set([...(modes.unlisted ?? []), ...jsOnly]),
    jsOnly,
  };
}

/** The products a list shows: `/products.json` (`all`) or a collection's list. */
export function listedProducts(
  rules: CatalogRules,
  products: readonly Product[],
  list: "products.json" | "collection",
): readonly Product[] {
  const hideMore = list === "products.json" && rules.hiddenFromProductsJson.size > 0;
  if (rules.unlisted.size === 0 && !hideMore) return products;
  return products.filter(
    (p) =>
      !rules.unlisted.has(p.handle) && !(hideMore && rules.hiddenFromProductsJson.has(p.handle)),
  );
}
