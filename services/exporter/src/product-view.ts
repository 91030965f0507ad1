import { priceOf, priceText } from "./decimal.ts";

/** One variant, normalised. Prices are exact decimal strings; unknown values are null or "". */
export interface VariantView {
  title: string;
  options: [string | null, string | null, string | null];
  sku: string;
  grams: number | null;
  price: string | null;
  compareAtPrice: string | null;
  requiresShipping: boolean | null;
  taxable: boolean | null;
  barcode: string;
  inventoryManagement: string;
  imageSrc: string | null;
}

export interface ImageView {
  id: number | null;
  src: string;
  alt: string | null;
}

/**
 * A stored product (the raw storefront JSON in `products.data`) read into one shape. Both the
 * `/products.json` shape and the `/products/<handle>.js` shape (`description`, `type`, image
 * URL strings, prices in minor units) are understood; missing fields become empty values.
 */
export interface ProductView {
  handle: string;
  title: string;
  bodyHtml: string;
  vendor: string;
  productType: string;
  tags: string[];
  published: boolean;
  giftCard: boolean;
  optionNames: string[];
  variants: VariantView[];
  images: ImageView[];
}

type Json = Record<string, unknown>;

/** Reads a product object; never throws, whatever the JSON holds. */
export function viewProduct(data: Json): ProductView {
  const variants = records(data.variants).map(viewVariant);
  return {
    handle: str(data.handle),
    title: str(data.title),
    bodyHtml: str(data.body_html ?? data.description),
    vendor: str(data.vendor),
    productType: str(data.product_type ?? data.type),
    tags: tagsOf(data.tags),
    published: data.published_at !== null,
    giftCard: data.gift_card === true,
    optionNames: optionNames(data.options),
    variants,
    images: imagesOf(data, records(data.variants)),
  };
}

function viewVariant(v: Json): VariantView {
  const price = priceOf(v.price);
  const compareAt = priceOf(v.compare_at_price);
  const image = isRecord(v.featured_image) ? v.featured_image : null;
  return {
    title: str(v.title),
    options: [optional(v.option1), optional(v.option2), optional(v.option3)],
    sku: str(v.sku),
    grams: numberOrNull(v.grams ?? v.weight),
    price: price ? priceText(price) : null,
    compareAtPrice: compareAt ? priceText(compareAt) : null,
    requiresShipping: booleanOrNull(v.requires_shipping),
    taxable: booleanOrNull(v.taxable),
    barcode: str(v.barcode),
    inventoryManagement: str(v.inventory_management),
    imageSrc: image ? absoluteSrc(image.src) : null,
  };
}

/**
 * Product images in order. `/products.json` images have no alt text, but a variant's
 * `featured_image` (the same image id) does, so alts are borrowed from there.
 */
function imagesOf(data: Json, variants: Json[]): ImageView[] {
  const alts = new Map<number, string>();
  for (const v of variants) {
    const image = isRecord(v.featured_image) ? v.featured_image : null;
    const id = numberOrNull(image?.id);
    if (id !== null && typeof image?.alt === "string") alts.set(id, image.alt);
  }
  const images: ImageView[] = [];
  for (const item of Array.isArray(data.images) ? data.images : []) {
    const record: Json = isRecord(item) ? item : { src: item };
    const src = absoluteSrc(record.src);
    if (!src) continue;
    const id = numberOrNull(record.id);
    const alt = optional(record.alt) ?? (id !== null ? (alts.get(id) ?? null) : null);
    images.push({ id, src, alt });
  }
  return images;
}

function optionNames(options: unknown): string[] {
  if (!Array.isArray(options)) return [];
  return options.map((o) => (isRecord(o) ? str(o.name) : str(o))).slice(0, 3);
}

function tagsOf(tags: unknown): string[] {
  if (Array.isArray(tags)) return tags.filter((t): t is string => typeof t === "string");
  if (typeof tags !== "string") return [];
  return tags
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Protocol-relative CDN URLs (`//cdn.shopify.com/…`, the `.js` shape) get `https:`. */
function absoluteSrc(value: unknown): string | null {
  if (typeof value !== "string" || !value.trim()) return null;
  return value.startsWith("//") ? `https:${value}` : value;
}

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  if (typeof value === "string") return value;
  return typeof value === "number" ? String(value) : "";
}

function optional(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function booleanOrNull(value: unknown): boolean | null {
  return typeof value === "boolean" ? value : null;
}
