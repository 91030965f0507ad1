/**
 * Brings the single-product shapes of a storefront to the `/products.json` element shape, so
 * every stored product reads the same whatever endpoint it came from.
 */

import { isObject, type JsonItem } from "../json-pages.ts";
import { asId } from "../json-values.ts";

/**
 * Shopify's Ajax and Liquid money values are integers scaled by 100 ("cents"), also for
 * zero-decimal currencies: a JPY or CLP price of 1,000 is sent as 100000.
 * FIXME: three-decimal currencies (KWD, BHD, OMR, JOD, TND) are unverified; if Shopify scales
 * them by 1,000 their `.js` prices come out ten times too high.
 */
export const JS_PRICE_DIGITS = 2;

/** `{"product": {...}}` of `/products/<h>.json` with tags split into a list; null if no product. */
export function fromSingleProductJson(body: JsonItem | null): JsonItem | null {
  const product = body?.product;
  if (!isObject(product) || asId(product.id) === null) return null;
  return { ...product, tags: tagList(product.tags) };
}

/** Tags as a list, from a list or from Shopify's one comma-separated string. */
export function tagList(tags: unknown): string[] {
  if (Array.isArray(tags)) return tags.filter((tag): tag is string => typeof tag === "string");
  if (typeof tags !== "string") return [];
  return tags
    .split(",")
    .map((tag) => tag.trim())
    .filter(Boolean);
}

/**
 * An integer amount in minor units as an exact decimal string (1999 or "1999", 2 → "19.99");
 * a value that is already a decimal string ("19.99") is kept; anything else is null.
 */
export function minorToDecimal(amount: unknown, digits = JS_PRICE_DIGITS): string | null {
  if (typeof amount === "string" && /^-?\d+\.\d+$/.test(amount)) return amount;
  if (typeof amount === "string" && /^-?\d+$/.test(amount)) {
    return minorToDecimal(Number(amount), digits);
  }
  if (typeof amount !== "number" || !Number.isSafeInteger(amount)) return null;
  const sign = amount < 0 ? "-" : "";
  const text = String(Math.abs(amount)).padStart(digits + 1, "0");
  if (digits === 0) return `${sign}${text}`;
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** The body of `/products/<h>.js` in the `/products.json` shape; null without an id. */
export function fromProductJs(js: JsonItem | null): JsonItem | null {
  const id = asId(js?.id);
  if (!js || id === null || typeof js.handle !== "string") return null;
  const variants = Array.isArray(js.variants) ? js.variants.filter(isObject) : [];
  return {
    id,
    title: js.title ?? "",
    handle: js.handle,
    body_html: js.description ?? null,
    published_at: js.published_at ?? null,
    created_at: js.created_at ?? null,
    updated_at: js.updated_at ?? null,
    vendor: js.vendor ?? null,
    product_type: js.type ?? null,
    tags: tagList(js.tags),
    variants: variants.map((variant, i) => jsVariant(id, variant, i)),
    images: jsImages(id, js.images),
    options: jsOptions(js.options, variants),
  };
}

function jsVariant(productId: number, v: JsonItem, i: number): JsonItem {
  return {
    id: v.id ?? null,
    title: v.title ?? null,
    option1: v.option1 ?? null,
    option2: v.option2 ?? null,
    option3: v.option3 ?? null,
    sku: v.sku ?? null,
    requires_shipping: v.requires_shipping ?? null,
    taxable: v.taxable ?? null,
    featured_image: v.featured_image ?? null,
    available: v.available ?? null,
    price: minorToDecimal(v.price),
    grams: typeof v.weight === "number" ? v.weight : null,
    compare_at_price: minorToDecimal(v.compare_at_price),
    position: i + 1,
    product_id: productId,
    created_at: null,
    updated_at: null,
  };
}

/** `.js` images are URL strings, often protocol-relative (`//cdn.shopify.com/...`). */
function jsImages(productId: number, images: unknown): JsonItem[] {
  if (!Array.isArray(images)) return [];
  const urls = images.flatMap((image) => {
    const src = typeof image === "string" ? image : isObject(image) ? image.src : null;
    return typeof src === "string" ? [src.startsWith("//") ? `https:${src}` : src] : [];
  });
  return urls.map((src, i) => ({
    id: null,
    created_at: null,
    position: i + 1,
    updated_at: null,
    product_id: productId,
    variant_ids: [],
    src,
    width: null,
    height: null,
  }));
}

/** Option names (strings, or objects in newer themes) with values gathered from the variants. */
function jsOptions(options: unknown, variants: JsonItem[]): JsonItem[] {
  if (!Array.isArray(options)) return [];
  return options.map((option, i) => {
    const name = isObject(option) ? option.name : option;
    const key = `option${i + 1}`;
    const values = [...new Set(variants.map((v) => v[key]).filter((x) => typeof x === "string"))];
    return { name: typeof name === "string" ? name : "", position: i + 1, values };
  });
}
