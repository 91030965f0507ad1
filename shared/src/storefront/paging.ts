/** Shopify's storefront paging rules for `/products.json`, `/collections.json` and friends. */

export const DEFAULT_LIMIT = 30;
export const MAX_LIMIT = 250;
/** Shopify refuses any request whose page × limit exceeds this. */
export const MAX_PAGE_TIMES_LIMIT = 25_000;
export const PAGE_LIMIT_ERROR = "Page * Limit exceeds the 25000 limit.";

/** The error a store with another cap (a test's smaller one) answers in Shopify's words. */
export function pageLimitError(maxPageTimesLimit: number): string {
  return `Page * Limit exceeds the ${maxPageTimesLimit} limit.`;
}

export interface Paging {
  limit: number;
  page: number;
}

export type PagingResult = { ok: true; paging: Paging } | { ok: false; error: string };

/** A positive integer, or null for anything else ("", "abc", "0", "-3", "2.5"). */
function positiveInt(raw: string | null): number | null {
  if (raw === null || !/^\d+$/.test(raw.trim())) return null;
  const value = Number(raw.trim());
  return value >= 1 ? value : null;
}

/**
 * Reads `limit` and `page`: limit defaults to 30 and is clamped to 250, page defaults to 1;
 * values that are not positive integers count as absent. Fails when page × limit is above
 * `maxPageTimesLimit` (Shopify's 25,000 by default).
 */
export function parsePaging(
  params: URLSearchParams,
  maxPageTimesLimit = MAX_PAGE_TIMES_LIMIT,
): PagingResult {
  const limit = Math.min(positiveInt(params.get("limit")) ?? DEFAULT_LIMIT, MAX_LIMIT);
  const page = positiveInt(params.get("page")) ?? 1;
  if (page * limit > maxPageTimesLimit) {
    return { ok: false, error: pageLimitError(maxPageTimesLimit) };
  }
  return { ok: true, paging: { limit, page } };
}

/** The items on the requested page; empty past the end (Shopify sends no total). */
export function pageOf<T>(items: readonly T[], paging: Paging): T[] {
  const start = (paging.page - 1) * paging.limit;
  return items.slice(start, start + paging.limit);
}
