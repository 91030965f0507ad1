import type { StoreFetcher } from "@shopsniffer/shared/store/fetch";
import { assertAnalysable, inspectStore } from "@shopsniffer/shared/store/inspect";
import { AppError } from "@shopsniffer/shared/errors";
import { NOT_SHOPIFY_MESSAGE } from "@shopsniffer/shared/store/messages";

/**
 * Checks, before a job is accepted, that `domain` answers as a public Shopify storefront that
 * is not password-protected. An unreachable site gets the not-a-Shopify-store message.
 */
export function storeChecker(fetchStore: StoreFetcher) {
  return async (domain: string): Promise<void> => {
    try {
      assertAnalysable(await inspectStore(fetchStore, domain));
    } catch (error) {
      if (error instanceof AppError && error.code === "store_unreachable") {
        throw new AppError("store_unreachable", NOT_SHOPIFY_MESSAGE, false, { cause: error });
      }
      throw error;
    }
  };
}
