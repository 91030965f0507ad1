import type { JobOutcome } from "@shopsniffer/shared/contracts/messages";
import { AppError } from "@shopsniffer/shared/errors";
import { isBlockedError, type StoreSession } from "../store-session.ts";

/**
 * How a job's catalog came out, stored as `outcome` in the `indexing-products` step detail
 * (part of the API: the names are stable):
 * - `complete`: every product the store exposes was stored;
 * - `partial`: the step completed but products are missing: sitemap products no endpoint
 *   answered, fewer products than `meta.json` announces, or a list cut by its page cap with
 *   no sitemap to fill in;
 * - `endpoints_disabled`: `/products.json` is not served (404, HTML, login wall) and the
 *   catalog came from collections and the sitemap; nothing is known to be missing;
 * - `rate_limited`: the step failed because the store kept answering 429 (it is retried);
 * - `blocked`: the step failed on a 430 "Security Rejection" or a bot challenge (it is
 *   retried, then the job ends errored with "Blocked by the store"); stored data is kept.
 */
export const catalogOutcomes = [
  "complete",
  "partial",
  "endpoints_disabled",
  "rate_limited",
  "blocked",
] as const;
export type CatalogOutcome = (typeof catalogOutcomes)[number] & JobOutcome;

/** What a completed products step saw, to classify it. */
export interface CatalogFacts {
  productsJsonAvailable: boolean;
  /** A list stopped at CRAWLER_MAX_PRODUCT_PAGES or Shopify's page × limit refusal. */
  listCapped: boolean;
  sitemapProducts: number;
  missingCount: number;
  published: number | null;
  stored: number;
}

/** The outcome of a products step that completed. */
export function completedOutcome(facts: CatalogFacts): CatalogOutcome {
  const short = facts.published !== null && facts.stored < facts.published;
  const uncovered = facts.listCapped && facts.sitemapProducts === 0;
  if (facts.missingCount > 0 || short || uncovered) return "partial";
  if (!facts.productsJsonAvailable) return "endpoints_disabled";
  return "complete";
}

/**
 * The outcome of a products step that failed with `error`, or null for other failures. Once
 * the session's deadline fired, what failed is the abort, not the store: null but for a block.
 */
export function failedOutcome(
  error: unknown,
  session: Pick<StoreSession, "signals" | "signal">,
): CatalogOutcome | null {
  if (isBlockedError(error)) return "blocked";
  if (session.signal?.aborted) return null;
  const transient = error instanceof AppError && error.retryable;
  return transient && session.signals.throttled > 0 ? "rate_limited" : null;
}
