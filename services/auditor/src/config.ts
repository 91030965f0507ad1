import type { BaseConfig } from "@shopsniffer/shared/config";
import { baseConfigSchema } from "@shopsniffer/shared/config";
import type { ServiceContext } from "@shopsniffer/shared/service";
import { z } from "zod";
import { auditConfigShape } from "./browser/settings.ts";
import { lighthouseThrottlings } from "./pagespeed/lighthouse-run.ts";
import { pagespeedProviderNames } from "./pagespeed/provider.ts";
import { PSI_DEFAULT_ENDPOINT } from "./pagespeed/psi-client.ts";

/** The auditor's settings: the base settings plus its own. */
export const auditorConfigSchema = baseConfigSchema
  .extend({
    /**
     * Who measures the pages: `none` records the step as skipped; `psi` calls Google;
     * `lighthouse` runs Lighthouse locally against `CHROMIUM_PATH`.
     */
    PAGESPEED_PROVIDER: z.enum(pagespeedProviderNames).default("none"),
    /** Google API key with the PageSpeed Insights API enabled; required when `psi` is chosen. */
    PSI_API_KEY: z.string().optional(),
    /** The `runPagespeed` URL; tests point it at a local server. */
    PSI_ENDPOINT: z.string().url().default(PSI_DEFAULT_ENDPOINT),
    /** How long one PSI call (one page, one strategy) may take, in ms. */
    PSI_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
    /** Node.js binary that runs the Lighthouse CLI (Lighthouse needs Node, not Bun). */
    LIGHTHOUSE_NODE: z.string().min(1).default("node"),
    /** Comma-separated strategies Lighthouse measures each page with: mobile, desktop. */
    LIGHTHOUSE_STRATEGIES: z
      .string()
      .default("mobile,desktop")
      .transform((raw) => raw.split(",").map((s) => s.trim()))
      .pipe(z.array(z.enum(["mobile", "desktop"])).min(1)),
    /** `simulate` (Lighthouse's default), `devtools` or `provided` (no throttling). */
    LIGHTHOUSE_THROTTLING: z.enum(lighthouseThrottlings).default("simulate"),
    /** How long one Lighthouse run (one page, one strategy) may take, in ms. */
    LIGHTHOUSE_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
    /** Products, collections and pages each whose HTML the SEO checks sample (plus home). */
    SEO_SAMPLE_PER_KIND: z.coerce.number().int().min(0).max(100).default(5),
    /** The audit's browser, third-party requests and screenshot storage. */
    ...auditConfigShape,
    /** Stage messages one auditor process handles at the same time. */
    AUDITOR_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  })
  .refine((config) => config.PAGESPEED_PROVIDER !== "psi" || Boolean(config.PSI_API_KEY), {
    path: ["PSI_API_KEY"],
    message: "required when PAGESPEED_PROVIDER=psi",
    // Checked even when other settings are wrong, so one run lists every problem.
    when: () => true,
  });

export type AuditorConfig = z.infer<typeof auditorConfigSchema> & BaseConfig;

/** The booted auditor process. */
export type AuditorService = ServiceContext<AuditorConfig>;
