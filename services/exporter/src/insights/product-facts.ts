import type { ProductRow } from "../product-rows.ts";
import { viewProduct } from "../product-view.ts";

/** One variant as insights read it: exact decimal price strings, null when unknown. */
export interface VariantFacts {
  /** The storefront's variant id; null when missing. */
  id: number | null;
  price: string | null;
  compareAtPrice: string | null;
  /** The storefront's `available` flag; null when the JSON does not say. */
  available: boolean | null;
}

/** What the insights need from one stored product, and nothing more. */
export interface ProductFacts {
  productId: number;
  handle: string;
  vendor: string;
  productType: string;
  tags: string[];
  optionNames: string[];
  /** `published_at` in milliseconds since the epoch; null when missing or unparseable. */
  publishedMs: number | null;
  variants: VariantFacts[];
}

/** Reads a stored product row; the row's vendor and type columns win over its JSON. */
export function productFacts(row: ProductRow): ProductFacts {
  const view = viewProduct(row.data);
  // The same filter as `viewProduct`'s, so indexes line up with `view.variants`.
  const raw = (Array.isArray(row.data.variants) ? row.data.variants : []).filter(isRecord);
  return {
    productId: row.productId,
    handle: row.handle,
    vendor: row.vendor ?? view.vendor,
    productType: row.productType ?? view.productType,
    tags: view.tags,
    optionNames: view.optionNames,
    publishedMs: timeOf(row.data.published_at),
    variants: view.variants.map((variant, i) => ({
      id: idOf(raw[i]),
      price: variant.price,
      compareAtPrice: variant.compareAtPrice,
      available: availableOf(raw[i]),
    })),
  };
}

function availableOf(variant: Record<string, unknown> | undefined): boolean | null {
  const available = variant?.available;
  return typeof available === "boolean" ? available : null;
}

function idOf(variant: Record<string, unknown> | undefined): number | null {
  const id = variant?.id;
  return typeof id === "number" && Number.isSafeInteger(id) ? id : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function timeOf(value: unknown): number | null {
  if (typeof value !== "string" || !value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}
