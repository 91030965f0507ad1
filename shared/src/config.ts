import { z } from "zod";

/** Parses a comma-separated `domain=origin` list, e.g. `a.test=http://127.0.0.1:4100`. */
const storeOrigins = z
  .string()
  .default("")
  .transform((raw, ctx) => {
    const map = new Map<string, string>();
    for (const pair of raw
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [domain, origin] = pair.split("=");
      const parsed = origin ? URL.parse(origin) : null;
      if (!domain || !parsed) {
        ctx.addIssue({ code: "custom", message: `bad STORE_ORIGINS entry "${pair}"` });
        continue;
      }
      map.set(domain.toLowerCase(), parsed.origin);
    }
    return map;
  });

/** An on/off setting: `true` or `1`, `false` or `0`. */
export const booleanSetting = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"])
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true" || v === "1");

const millis = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Settings every service reads. Each has a default that works on one machine. */
export const baseConfigSchema = z.object({
  DATA_DIR: z.string().default("./data"),
  /** libSQL URL: `file:` for the embedded database, `http(s)://` or `libsql://` for a server. */
  DATABASE_URL: z.string().optional(),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  /** One server, or a comma-separated list of a cluster's servers. */
  NATS_URL: z.string().default("nats://127.0.0.1:4222"),
  /** Every subject and stream name starts with this, so several installs can share a cluster. */
  NATS_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/)
    .default("shopsniffer"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  STORE_ORIGINS: storeOrigins,
  /** One store request hop, from sending it to the end of its body (politeness waits apart). */
  STORE_FETCH_TIMEOUT_MS: millis(20_000),
  /** Until a store's status and headers arrive, per hop. */
  STORE_FIRST_BYTE_TIMEOUT_MS: millis(15_000),
  /** Connecting, and any silence on the socket (coarse: Bun's socket timer ticks in seconds). */
  STORE_CONNECT_TIMEOUT_MS: millis(10_000),
  /** Largest store answer read, counted after decompression; larger ones fail. */
  STORE_MAX_RESPONSE_BYTES: millis(64 * 1024 * 1024),
  /** User-Agent of store requests; default `ShopSniffer/<version> (+<PUBLIC_URL>)`. */
  STORE_USER_AGENT: z.string().optional(),
  STAGE_ACK_WAIT_MS: millis(60_000),
  /**
   * Longest one attempt of a stage may run, heartbeats or not; then it is retried like any
   * failure, and the last attempt errors the job naming the deadline. 0 turns it off.
   */
  STAGE_DEADLINE_MS: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(30 * 60_000),
  STAGE_MAX_DELIVER: z.coerce.number().int().min(1).max(20).default(5),
  STAGE_BACKOFF_MS: z
    .string()
    .default("1000,5000,15000,30000")
    .transform((s) => s.split(",").map((n) => Number(n.trim())))
    .pipe(z.array(z.number().int().nonnegative()).min(1)),
  /** How long analytics events stay in the events stream for taps to replay. */
  EVENTS_MAX_AGE_DAYS: z.coerce.number().int().positive().default(30),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  PUBLIC_URL: z.string().url().optional(),
  /**
   * Port of the operations listener (/healthz, /readyz, /metrics); unset turns it off, 0
   * picks a free port. Every service honours it; give each process its own port.
   */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  HEALTH_HOST: z.string().default("0.0.0.0"),
  /** When set, metrics need `Authorization: Bearer <token>` (gateway and health listener). */
  METRICS_TOKEN: z.string().optional(),
  /** Copies of each JetStream stream; 3 on a three-node NATS cluster, 1 on a single server. */
  NATS_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
});

export type BaseConfig = z.infer<typeof baseConfigSchema> & {
  DATABASE_URL: string;
  PUBLIC_URL: string;
};

/**
 * Parses `env` with `schema`, fills the derived defaults, and exits the process listing every
 * problem when the environment is invalid. Call it from a service's `main.ts`, never at import.
 */
export function loadConfig<S extends z.ZodObject<z.ZodRawShape>>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> & BaseConfig {
  // An empty variable means "use the default", as in most shells' `VAR= command`.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const result = schema.safeParse(set);
  if (!result.success) {
    for (const issue of result.error.issues) {
      console.error(`config: ${issue.path.join(".") || "(env)"}: ${issue.message}`);
    }
    process.exit(2);
  }
  return withDerivedDefaults(result.data as z.infer<S> & z.infer<typeof baseConfigSchema>);
}

function withDerivedDefaults<T extends z.infer<typeof baseConfigSchema>>(
  config: T,
): T & BaseConfig {
  return {
    ...config,
    DATABASE_URL: config.DATABASE_URL ?? `file:${config.DATA_DIR}/shopsniffer.db`,
    PUBLIC_URL: (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, ""),
  };
}
