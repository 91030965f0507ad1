import type { BaseConfig } from "@shopsniffer/shared/config";
import { baseConfigSchema } from "@shopsniffer/shared/config";
import type { ServiceContext } from "@shopsniffer/shared/service";
import { z } from "zod";

/** The exporter's settings: the base settings plus its own. */
export const exporterConfigSchema = baseConfigSchema.extend({
  /**
   * Lets webhooks reach loopback and private addresses ("true" for tests and closed
   * networks). Off by default, so a job cannot make the server call into its own network.
   */
  WEBHOOK_ALLOW_PRIVATE: z.stringbool().default(false),
  /** How long one webhook POST may take before it counts as failed. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Stage messages one exporter process handles at the same time. */
  EXPORTER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
});

export type ExporterConfig = z.infer<typeof exporterConfigSchema> & BaseConfig;

/** The booted exporter process. */
export type ExporterService = ServiceContext<ExporterConfig>;
