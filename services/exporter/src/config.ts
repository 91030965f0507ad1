import type { BaseConfig } from "@shopsniffer/shared/config";
import { baseConfigSchema } from "@shopsniffer/shared/config";
import type { ServiceContext } from "@shopsniffer/shared/service";
import { storageConfigShape } from "@shopsniffer/shared/storage/open-storage";
import { Webhook } from "standardwebhooks";
import { z } from "zod";

/** A comma-separated list of milliseconds, e.g. `10000,60000`. */
const millisList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => s.split(",").map((n) => Number(n.trim())))
    .pipe(z.array(z.number().int().nonnegative()).min(1));

/** A Standard Webhooks secret: `whsec_` and base64 (the prefix may be left out). */
const webhookSecret = z
  .string()
  .optional()
  .refine(
    (secret) => {
      if (secret === undefined) return true;
      try {
        new Webhook(secret);
        return true;
      } catch {
        return false;
      }
    },
    { message: "must be whsec_ followed by base64, e.g. whsec_$(openssl rand -base64 32)" },
  );

/** The exporter's settings: the base settings plus its own. */
export const exporterConfigSchema = baseConfigSchema.extend({
  ...storageConfigShape,
  /** Days an export file stays downloadable; then it answers 410 and the cleanup removes it. */
  EXPORT_RETENTION_DAYS: z.coerce.number().positive().default(90),
  /** How often the cleanup of expired export files runs (it also runs at start): 6 h. */
  EXPORT_CLEANUP_INTERVAL_MS: z.coerce.number().int().positive().default(21_600_000),
  /**
   * Lets webhooks reach loopback and private addresses ("true" for tests and closed
   * networks). Off by default, so a job cannot make the server call into its own network.
   */
  WEBHOOK_ALLOW_PRIVATE: z.stringbool().default(false),
  /** How long one webhook POST may take before it counts as failed. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Signs webhooks (Standard Webhooks, HMAC-SHA256); unset sends them unsigned. */
  WEBHOOK_SECRET: webhookSecret,
  /** Attempts per notification (webhook or email) before it is recorded `failed`. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** Wait before retry n (the last value repeats): 10 s, 1 min, 5 min, 30 min, 2 h, 6 h. */
  WEBHOOK_BACKOFF_MS: millisList("10000,60000,300000,1800000,7200000,21600000"),
  /** `smtp://user:pass@host:587` or `smtps://…`; unset records emails as skipped. */
  SMTP_URL: z.string().url().optional(),
  /** The sender of notification emails. */
  SMTP_FROM: z.string().default("ShopSniffer <noreply@localhost>"),
  /** Notifications one exporter process delivers at the same time. */
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** Stage messages one exporter process handles at the same time. */
  EXPORTER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
});

export type ExporterConfig = z.infer<typeof exporterConfigSchema> & BaseConfig;

/** The booted exporter process. */
export type ExporterService = ServiceContext<ExporterConfig>;
