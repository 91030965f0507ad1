import type { BaseConfig } from "@shopsniffer/shared/config";
import { baseConfigSchema } from "@shopsniffer/shared/config";
import type { ServiceContext } from "@shopsniffer/shared/service";
import { z } from "zod";
import { pagespeedProviderNames } from "./pagespeed/provider.ts";

/** The auditor's settings: the base settings plus its own. */
export const auditorConfigSchema = baseConfigSchema.extend({
  /** Who measures the home page. `none` records the step as skipped (the only one so far). */
  PAGESPEED_PROVIDER: z.enum(pagespeedProviderNames).default("none"),
  /** Stage messages one auditor process handles at the same time. */
  AUDITOR_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
});

export type AuditorConfig = z.infer<typeof auditorConfigSchema> & BaseConfig;

/** The booted auditor process. */
export type AuditorService = ServiceContext<AuditorConfig>;
