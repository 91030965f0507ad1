import type { PagespeedProvider } from "./provider.ts";

/** The default provider: measures nothing, so the step is recorded as skipped. */
export const nonePagespeedProvider: PagespeedProvider = {
  name: "none",
  async measure() {
    return {
      status: "skipped",
      reason: "no PageSpeed provider configured (PAGESPEED_PROVIDER=none)",
    };
  },
};
