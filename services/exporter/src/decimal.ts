import Big from "big.js";

const DECIMAL = /^-?\d+(?:\.\d+)?$/;

/**
 * A storefront price as an exact decimal. `/products.json` prices are decimal strings
 * ("19.99"); the `/products/<handle>.js` shape gives integers in minor units (1999), and a
 * non-integer number is taken as major units. Null for anything else (missing, "", "abc").
 */
export function priceOf(value: unknown): Big | null {
  if (typeof value === "string") return DECIMAL.test(value.trim()) ? new Big(value.trim()) : null;
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  return Number.isInteger(value) ? new Big(value).div(100) : new Big(value);
}

/** A price as the decimal string Shopify prints, with at least two decimals ("28.00"). */
export function priceText(value: Big): string {
  return value.round(2).eq(value) ? value.toFixed(2) : value.toFixed();
}
