import { assertNever } from "@shopsniffer/shared/errors";
import { nonePagespeedProvider } from "./none-provider.ts";

/**
 * Names accepted by `PAGESPEED_PROVIDER`. Google PageSpeed Insights (`psi`) and a local
 * Lighthouse run (`lighthouse`) are planned; each adds its name here and a case below.
 */
export const pagespeedProviderNames = ["none"] as const;
export type PagespeedProviderName = (typeof pagespeedProviderNames)[number];

/** The page a provider measures. */
export interface PagespeedTarget {
  jobId: string;
  /** Absolute URL of the store's home page on its primary domain. */
  url: string;
}

/**
 * What a provider reports. `skipped` carries a reason shown to users; `completed` carries the
 * facts stored with the step. A provider never makes numbers up: no measurement, no scores.
 */
export type PagespeedOutcome =
  | { status: "skipped"; reason: string }
  | { status: "completed"; detail: Record<string, unknown> };

/** Measures a store's home page. Throw a retryable AppError for transient failures. */
export interface PagespeedProvider {
  readonly name: PagespeedProviderName;
  measure(target: PagespeedTarget): Promise<PagespeedOutcome>;
}

/** The provider configured by `PAGESPEED_PROVIDER`. */
export function createPagespeedProvider(name: PagespeedProviderName): PagespeedProvider {
  switch (name) {
    case "none":
      return nonePagespeedProvider;
    default:
      return assertNever(name);
  }
}
