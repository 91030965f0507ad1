/**
 * The last resort for a sitemap product whose `.json` and `.js` both fail: the product page's
 * JSON-LD `Product` (or `ProductGroup`), read into the `/products.json` element shape. The id
 * comes from the theme's `var meta` (Shopify's analytics global), else from the JSON-LD's
 * `productID` / `productGroupID`; without a numeric id there is no product.
 */

import { isObject, type JsonItem } from "../json-pages.ts";
import { asId } from "../json-values.ts";
import { themeMeta } from "./page-html.ts";

const LD_SCRIPT =
  /<script[^>]*type\s*=\s*["']?application\/ld\+json["']?[^>]*>([\s\S]*?)<\/script>/gi;
const PRODUCT_TYPES = new Set(["Product", "ProductGroup"]);

/** The product a page describes, in the `/products.json` shape; null when it describes none. */
export function fromProductPage(html: string, handle: string): JsonItem | null {
  const node = jsonLdNodes(html).find((item) => typesOf(item).some((t) => PRODUCT_TYPES.has(t)));
  if (!node) return null;
  const meta = themeMeta(html)?.product;
  const metaProduct = isObject(meta) ? meta : null;
  const id = asId(metaProduct?.id) ?? asId(node.productID) ?? asId(node.productGroupID);
  if (id === null) return null;
  const metaVariants = Array.isArray(metaProduct?.variants)
    ? metaProduct.variants.filter(isObject)
    : [];
  const offers = offersOf(node);
  return {
    id,
    title: text(node.name) ?? "",
    handle,
    body_html: text(node.description),
    published_at: null,
    created_at: null,
    updated_at: null,
    vendor: text(isObject(node.brand) ? node.brand.name : node.brand),
    product_type: text(metaProduct?.type),
    tags: [],
    variants: offers.map((offer, i) => variantOf(id, offer, metaVariants[i], i)),
    images: imagesOf(id, node.image),
    options: [],
  };
}

/** Every object of every JSON-LD script, `@graph` members included; bad scripts are skipped. */
export function jsonLdNodes(html: string): JsonItem[] {
  const nodes: JsonItem[] = [];
  for (const match of html.matchAll(LD_SCRIPT)) {
    const parsed = parse(match[1] ?? "");
    for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
      if (!isObject(item)) continue;
      nodes.push(item);
      if (Array.isArray(item["@graph"])) nodes.push(...item["@graph"].filter(isObject));
    }
  }
  return nodes;
}

function typesOf(node: JsonItem): string[] {
  const type = node["@type"];
  const types = Array.isArray(type) ? type : [type];
  return types.filter((t): t is string => typeof t === "string");
}

/**
 * The offers of a Product (an object, a list, or an AggregateOffer's `offers`) or of each
 * variant of a ProductGroup (`hasVariant`), one per variant.
 */
function offersOf(node: JsonItem): JsonItem[] {
  if (Array.isArray(node.hasVariant)) {
    return node.hasVariant.filter(isObject).flatMap((variant) => {
      const [offer] = listOf(variant.offers);
      return offer ? [{ ...offer, sku: offer.sku ?? variant.sku, name: variant.name }] : [];
    });
  }
  const offers = listOf(node.offers);
  const aggregate = offers.length === 1 && Array.isArray(offers[0]?.offers);
  return aggregate ? listOf(offers[0]?.offers) : offers;
}

function variantOf(productId: number, offer: JsonItem, meta: JsonItem | undefined, i: number) {
  return {
    id: asId(meta?.id) ?? variantIdFromUrl(offer.url),
    title: text(meta?.public_title) ?? text(offer.name) ?? "Default Title",
    option1: null,
    option2: null,
    option3: null,
    sku: text(offer.sku) ?? text(meta?.sku),
    requires_shipping: null,
    taxable: null,
    featured_image: null,
    available: availabilityOf(offer.availability),
    price: priceText(offer.price),
    grams: null,
    compare_at_price: null,
    position: i + 1,
    product_id: productId,
    created_at: null,
    updated_at: null,
  };
}

/** An offer price as an exact decimal string: strings as written, numbers as printed. */
function priceText(price: unknown): string | null {
  if (typeof price === "string" && /^-?\d+(\.\d+)?$/.test(price.trim())) return price.trim();
  if (typeof price === "number" && Number.isFinite(price)) return String(price);
  return null;
}

function availabilityOf(value: unknown): boolean | null {
  if (typeof value !== "string") return null;
  if (/InStock|LimitedAvailability|PreOrder|OnlineOnly/i.test(value)) return true;
  if (/OutOfStock|SoldOut|Discontinued/i.test(value)) return false;
  return null;
}

function variantIdFromUrl(url: unknown): number | null {
  if (typeof url !== "string") return null;
  const match = /[?&]variant=(\d+)/.exec(url);
  return match ? asId(Number(match[1])) : null;
}

function imagesOf(productId: number, image: unknown): JsonItem[] {
  const sources = listOf(image, true).flatMap((item) => {
    const src = typeof item === "string" ? item : isObject(item) ? (item.url ?? item.src) : null;
    return typeof src === "string" && src ? [src.startsWith("//") ? `https:${src}` : src] : [];
  });
  return sources.map((src, i) => ({
    id: null,
    position: i + 1,
    product_id: productId,
    variant_ids: [],
    src,
    width: null,
    height: null,
  }));
}

function listOf(value: unknown, keepStrings: true): unknown[];
function listOf(value: unknown): JsonItem[];
function listOf(value: unknown, keepStrings = false): unknown[] {
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return keepStrings ? items : items.filter(isObject);
}

function text(value: unknown): string | null {
  if (typeof value === "string") return value;
  return typeof value === "number" ? String(value) : null;
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}
