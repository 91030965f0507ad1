import { z } from "zod";
import { booleanSetting } from "@shopsniffer/shared/config";

/** A comma-separated list of origins (`https://app.example.com`), normalised; invalid ones fail. */
const originList = z
  .string()
  .default("")
  .transform((raw, ctx) => {
    const origins: string[] = [];
    for (const item of raw
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      const parsed = URL.parse(item);
      if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
        ctx.addIssue({ code: "custom", message: `bad origin "${item}"` });
        continue;
      }
      origins.push(parsed.origin);
    }
    return origins;
  });

/** `true`/`false` or a number of proxy hops in front of the gateway. */
const proxyHops = z
  .string()
  .default("0")
  .transform((raw, ctx) => {
    if (raw === "true") return 1;
    if (raw === "false") return 0;
    const hops = Number(raw);
    if (!Number.isInteger(hops) || hops < 0 || hops > 10) {
      ctx.addIssue({ code: "custom", message: "must be true, false or a hop count 0-10" });
      return 0;
    }
    return hops;
  });

export const MISSING_SECRET_IN_PRODUCTION =
  "must be set when NODE_ENV=production: 32 or more random characters, the same on every replica";

/** Sign-in, CORS and client-address settings of the gateway (spread into its config schema). */
export const authConfigShape = {
  /**
   * Signs session cookies and encrypts tokens; at least 32 characters. Required when
   * NODE_ENV=production (as in the container images); elsewhere, unset, each gateway process
   * signs with a random secret of its own and warns at start.
   */
  BETTER_AUTH_SECRET: z
    .string()
    .min(32, "must be at least 32 characters")
    .optional()
    .transform((secret, ctx) => {
      // NODE_ENV is the runtime's mode, which Better Auth reads too, not one of our settings.
      if (secret === undefined && process.env.NODE_ENV === "production") {
        ctx.addIssue({ code: "custom", message: MISSING_SECRET_IN_PRODUCTION });
      }
      return secret;
    }),
  /** Public base URL of the auth routes' host; defaults to `PUBLIC_URL`. */
  BETTER_AUTH_URL: z.string().url().optional(),
  /** Google sign-in is offered only when both are set. */
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  /**
   * Browser origins trusted with credentials (session cookies): CORS answers them with
   * `Access-Control-Allow-Credentials`, and cookie requests from any other origin are refused.
   * The origin of `BETTER_AUTH_URL` is always trusted.
   */
  CORS_ORIGINS: originList,
  /**
   * Proxies in front of the gateway whose `X-Forwarded-For` is believed: `true` is one hop.
   * Unset (0), the client address is the socket's peer address.
   */
  TRUST_PROXY: proxyHops,
  /**
   * Better Auth's own limiter on `/api/auth`, counted per client address and path in the
   * database, so all replicas share the counts. `false` turns it off (tests, load tests).
   */
  AUTH_RATE_LIMIT_ENABLED: booleanSetting(true),
  /** Window of that limiter on auth paths without a stricter built-in rule. */
  AUTH_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(10),
  /**
   * Requests per client address and auth path per window. Better Auth's built-in rules stay
   * stricter: sign-in, sign-up and password or email changes 3 per 10 s, reset mails 3 per 60 s.
   */
  AUTH_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(100),
};
