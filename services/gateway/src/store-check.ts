import type { StoreFetcher } from "@shopsniffer/shared/store/fetch";
import { assertAnalysable, inspectStore } from "@shopsniffer/shared/store/inspect";
import { AppError } from "@shopsniffer/shared/errors";

/**
 * Checks, before a job is accepted, that `domain` answers as a public Shopify storefront that
 * is not password-protected. A site that cannot be reached says why (422
 * `store_unreachable`); a store answering 429 or 5xx is told to try again later.
 */
export function storeChecker(fetchStore: StoreFetcher) {
  return async (domain: string): Promise<void> => {
    assertAnalysable(await inspect(fetchStore, domain));
  };
}

async function inspect(fetchStore: StoreFetcher, domain: string) {
  try {
    return await inspectStore(fetchStore, domain);
  } catch (error) {
    // Inside a job this is worth a retry; before one, the caller decides whether to try again.
    if (error instanceof AppError && error.code === "store_unreachable") {
      throw new AppError("store_unreachable", error.message, false, { cause: error });
    }
    throw error;
  }
}
