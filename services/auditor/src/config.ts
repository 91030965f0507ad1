import type { BaseConfig } from "@shopsniffer/shared/config";
import { baseConfigSchema } from "@shopsniffer/shared/config";
import type { ServiceContext } from "@shopsniffer/shared/service";
import { z } from "zod";
import { pagespeedProviderNames } from "./pagespeed/provider.ts";
import { PSI_DEFAULT_ENDPOINT } from "./pagespeed/psi-client.ts";

/** The auditor's settings: the base settings plus its own. */
export const auditorConfigSchema = baseConfigSchema
  .extend({
    /** Who measures the pages: `none` records the step as skipped; `psi` calls Google. */
    PAGESPEED_PROVIDER: z.enum(pagespeedProviderNames).default("none"),
    /** Google API key with the PageSpeed Insights API enabled; required when `psi` is chosen. */
    PSI_API_KEY: z.string().optional(),
    /** The `runPagespeed` URL; tests point it at a local server. */
    PSI_ENDPOINT: z.string().url().default(PSI_DEFAULT_ENDPOINT),
    /** How long one PSI call (one page, one strategy) may take, in ms. */
    PSI_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
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
