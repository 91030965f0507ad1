import { z } from "zod";
import { type BaseConfig, baseConfigSchema, booleanSetting } from "@shopsniffer/shared/config";
import { storageConfigShape } from "@shopsniffer/shared/storage/open-storage";
import { authConfigShape } from "./auth/settings.ts";
import { rateLimitConfigShape } from "./rate-limit.ts";
import { socketLimitConfigShape } from "./routes/socket-limits.ts";
import { checkX402Network, x402ConfigShape } from "./x402/config.ts";

/** Gateway settings on top of the shared ones. */
export const gatewayConfigSchema = baseConfigSchema
  .extend({
    /** Where export files are read from; must match the exporter's settings. */
    ...storageConfigShape,
    /** Largest accepted request body; larger ones get 413. */
    MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(64 * 1024),
    /** Check that a domain is a reachable, public Shopify store before accepting a job. */
    STORE_CHECK_ON_CREATE: booleanSetting(true),
    LISTEN_HOST: z.string().default("0.0.0.0"),
    /**
     * Accepts webhook URLs on loopback and private addresses ("true" for tests and closed
     * networks); the exporter reads the same variable when it delivers.
     */
    WEBHOOK_ALLOW_PRIVATE: booleanSetting(false),
    /** How often to look for jobs left `pending` by a gateway that died; 0 turns it off. */
    JOB_PENDING_SWEEP_MS: z.coerce.number().int().nonnegative().default(30_000),
    /** A job still `pending` this long after its creation is queued again by that sweep. */
    JOB_PENDING_REQUEUE_AFTER_MS: z.coerce.number().int().positive().default(60_000),
    /** Sign-in, CORS and client-address settings; see `auth/settings.ts`. */
    ...authConfigShape,
    /** Limits on job creation; see `rate-limit.ts`. */
    ...rateLimitConfigShape,
    /** Caps on open progress WebSockets; see `routes/socket-limits.ts`. */
    ...socketLimitConfigShape,
    /** Pay-per-job on `POST /api/jobs` (x402); see `x402/config.ts`. */
    ...x402ConfigShape,
  })
  // Settings that are only wrong together; a problem here also stops the gateway at boot.
  .superRefine(checkX402Network);

export type GatewayConfig = z.infer<typeof gatewayConfigSchema> & BaseConfig;
