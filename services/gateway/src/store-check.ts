import { AppError } from "@shopsniffer/shared/errors";
import type { Logger } from "@shopsniffer/shared/log";
import type { StoreFetcher } from "@shopsniffer/shared/store/fetch";
import { assertAnalysable, inspectStore } from "@shopsniffer/shared/store/inspect";

/** Who a domain turned out to be: the host its redirects end on and its myshopify name. */
export interface StoreIdentity {
  primary_domain: string;
  myshopify_domain: string | null;
}

/**
 * Checks, before a job is accepted, that `domain` answers as a public Shopify storefront that
 * is not password-protected, following its redirects (custom domain → primary domain, country
 * domains) and judging the page the chain ends on. A site that cannot be reached gets a fixed
 * message (422 `store_unreachable`; the cause is logged, not shown); a store answering 429 or
 * 5xx is told to try again later.
 *
 * A passed check is remembered for `passedForMs` (one store fetch, not two, for the unpaid
 * probe and the paid retry of an x402 client); a refusal is checked afresh each time.
 */
export function storeChecker(fetchStore: StoreFetcher, log?: Logger, passedForMs = 60_000) {
  const passed = new Map<string, number>();
  return async (domain: string): Promise<void> => {
    const until = passed.get(domain);
    if (until !== undefined && until > Date.now()) return;
    await checkStoreIdentity(fetchStore, domain, log);
    passed.delete(domain);
    // Oldest first: past the bound, the entry checked longest ago goes.
    if (passed.size >= MAX_REMEMBERED) passed.delete(passed.keys().next().value ?? "");
    passed.set(domain, Date.now() + passedForMs);
  };
}

/** Passed checks remembered at once, so a flood of distinct domains cannot grow the map. */
const MAX_REMEMBERED = 10_000;

/** The store check, returning who the domain turned out to be. */
export async function checkStoreIdentity(
  fetchStore: StoreFetcher,
  domain: string,
  log?: Logger,
): Promise<StoreIdentity> {
  const inspection = await inspect(fetchStore, domain, log);
  assertAnalysable(inspection);
  return { primary_domain: inspection.finalHost, myshopify_domain: inspection.myshopifyDomain };
}

async function inspect(fetchStore: StoreFetcher, domain: string, log?: Logger) {
  try {
    return await inspectStore(fetchStore, domain);
  } catch (error) {
    if (error instanceof AppError && error.code === "store_unreachable") {
      log?.info({ domain, cause: error.message }, "store unreachable at job creation");
      const message = `Could not reach ${domain}; check the domain, or try again later.`;
      throw new AppError("store_unreachable", message, false, { cause: error });
    }
    throw error;
  }
}
