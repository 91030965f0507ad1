/** Shop-wide documents of the generated store: `/meta.json`, `/robots.txt`, `/collections.json`. */

import type { Collection } from "./model.ts";
import type { StoreIndex } from "./store-index.ts";

/** The `/meta.json` body: the shop's public profile and published counts. */
export function shopMetaJson(index: StoreIndex) {
  const { shop, products, collections } = index.store;
  return {
    id: shop.id,
    name: shop.name,
    city: shop.city,
    province: shop.province,
    country: shop.country,
    currency: shop.currency,
    domain: shop.domain,
    url: `https://${shop.domain}`,
    myshopify_domain: shop.myshopify_domain,
    description: shop.description,
    ships_to_countries: shop.ships_to_countries,
    money_format: shop.money_format,
    published_collections_count: collections.length,
    published_products_count: products.length,
    shopify_pay_enabled_card_brands: ["visa", "master", "american_express", "maestro"],
  };
}

/** One element of `/collections.json`: the model minus our own bookkeeping field. */
export function collectionJson(collection: Collection) {
  const { productHandles: _handles, ...wire } = collection;
  return wire;
}

const DISALLOWED = [
  "/a/downloads/-/*",
  "/admin",
  "/cart",
  "/orders",
  "/checkouts/",
  "/checkout",
  "/{shopId}/checkouts",
  "/{shopId}/orders",
  "/carts",
  "/account",
  "/collections/*sort_by*",
  "/*/collections/*sort_by*",
  "/collections/*+*",
  "/collections/*%2B*",
  "/blogs/*+*",
  "/*?*oseid=*",
  "/*preview_theme_id*",
  "/*preview_script_id*",
  "/policies/",
  "/search",
  "/apple-app-site-association",
] as const;

/** Shopify's default robots.txt with this shop's id and sitemap URL. */
export function robotsTxt(index: StoreIndex): string {
  const { shop } = index.store;
  const rules = DISALLOWED.map((path) => `Disallow: ${path.replace("{shopId}", String(shop.id))}`);
  return [
    "# we use Shopify as our ecommerce platform",
    "",
    "User-agent: *",
    ...rules,
    `Sitemap: https://${shop.domain}/sitemap.xml`,
    "",
    "# Google adsbot ignores robots.txt unless specifically named!",
    "User-agent: adsbot-google",
    "Disallow: /checkouts/",
    "Disallow: /checkout",
    "Disallow: /carts",
    "Disallow: /orders",
    "",
    "User-agent: Nutch",
    "Disallow: /",
    "",
  ].join("\n");
}
