import { assertNever } from "@shopsniffer/shared/errors";
import { createLighthouseProvider, type LighthouseSettings } from "./lighthouse-provider.ts";
import { nonePagespeedProvider } from "./none-provider.ts";
import { createPsiProvider, type PsiSettings } from "./psi-provider.ts";

/**
 * Names accepted by `PAGESPEED_PROVIDER`: `none` (the step is skipped), Google PageSpeed
 * Insights (`psi`) and Lighthouse run locally against the system Chromium (`lighthouse`).
 */
export const pagespeedProviderNames = ["none", "psi", "lighthouse"] as const;
export type PagespeedProviderName = (typeof pagespeedProviderNames)[number];

/** The kinds of storefront page measured: at most one of each. */
export type PageKind = "home" | "collection" | "product";

/** One page to measure. */
export interface PagespeedPage {
  kind: PageKind;
  /** Absolute URL on the store's domain. */
  url: string;
}

/** What a provider measures for one job: the home page first, then a collection and a product. */
export interface PagespeedTarget {
  jobId: string;
  pages: PagespeedPage[];
  /** The stage attempt's: when it fires, a local run is killed and `measure` rejects. */
  signal?: AbortSignal;
}

/**
 * What a provider reports. `skipped` carries a reason shown to users; `completed` carries the
 * facts stored with the step. A provider never makes numbers up: no measurement, no scores.
 */
export type PagespeedOutcome =
  | { status: "skipped"; reason: string }
  | { status: "completed"; detail: Record<string, unknown> };

/** Measures a store's pages. Throw a retryable AppError for transient failures. */
export interface PagespeedProvider {
  readonly name: PagespeedProviderName;
  measure(target: PagespeedTarget): Promise<PagespeedOutcome>;
}

/** The settings that choose and configure a provider (see the auditor's config). */
export interface PagespeedSettings extends PsiSettings, LighthouseSettings {
  PAGESPEED_PROVIDER: PagespeedProviderName;
}

/** The provider configured by `PAGESPEED_PROVIDER`. */
export function createPagespeedProvider(settings: PagespeedSettings): PagespeedProvider {
  const name = settings.PAGESPEED_PROVIDER;
  switch (name) {
    case "none":
      return nonePagespeedProvider;
    case "psi":
      return createPsiProvider(settings);
    case "lighthouse":
      return createLighthouseProvider(settings);
    default:
      return assertNever(name);
  }
}
