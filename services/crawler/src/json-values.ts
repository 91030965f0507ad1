/** Readers for loosely typed store JSON: they return null instead of trusting a shape. */

/** A non-empty string, or null. */
export function asString(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** A positive safe integer id, given as a number or a string of digits; else null. */
export function asId(value: unknown): number | null {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** A non-negative integer count, or null. */
export function asCount(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : null;
}
