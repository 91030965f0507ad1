/** Escaping, slugs, money and timestamp helpers shared by the storefront views. */

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for an HTML or XML text node or attribute value. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** JSON safe to embed inside a `<script>`: `<` and `/` are escaped the way Shopify does. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\//g, "\\/");
}

/** A Shopify-style handle: lower-case ASCII words joined by dashes (accents folded, ß→ss). */
export function slugify(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ß/g, "ss")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Formats integer cents as Shopify's decimal price string: 1290 → "12.90". */
export function formatCents(cents: number): string {
  const whole = Math.floor(cents / 100);
  const rest = String(cents % 100).padStart(2, "0");
  return `${whole}.${rest}`;
}

/**
 * Parses a decimal price string into integer minor units without floating-point drift:
 * "12.9" → 1290, "12" → 1200. Unparseable input yields 0.
 */
export function toCents(price: string): number {
  const match = /^(\d+)(?:\.(\d{0,2})\d*)?$/.exec(price.trim());
  if (!match) return 0;
  const fraction = (match[2] ?? "").padEnd(2, "0");
  return Number(match[1]) * 100 + Number(fraction);
}

/**
 * Prints an instant as Shopify does, in the shop's fixed UTC offset:
 * `2024-03-05T14:07:00+01:00`. The offset is in minutes east of UTC.
 */
export function formatShopifyTime(epochMs: number, offsetMinutes = 60): string {
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const hours = String(Math.floor(abs / 60)).padStart(2, "0");
  const minutes = String(abs % 60).padStart(2, "0");
  return `${local}${sign}${hours}:${minutes}`;
}

/** `decodeURIComponent` that yields null instead of throwing on malformed escapes. */
export function safeDecode(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}
