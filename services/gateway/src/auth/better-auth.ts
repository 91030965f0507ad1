import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { Elysia } from "elysia";
import {
  account,
  rateLimit,
  session,
  user,
  verification,
} from "@shopsniffer/shared/db/auth-schema";
import type { ServiceContext } from "@shopsniffer/shared/service";
import type { GatewayConfig } from "../config.ts";
import { boundedRequest, likeTheApi } from "./auth-wire.ts";
import { CLIENT_ADDRESS_HEADER } from "./client-address.ts";
import { authBaseUrl, trustedOrigins } from "./origins.ts";
import { userNameHooks } from "./user-name.ts";

/**
 * Signs sessions when `BETTER_AUTH_SECRET` is unset (never in production: the config refuses
 * that), so a local run works out of the box without a secret anyone could read here. Random
 * once per process: sessions end when the gateway stops, and replicas do not share them.
 */
const PROCESS_SECRET = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex");

/** The secret that signs this gateway's sessions: `BETTER_AUTH_SECRET`, else the process's. */
export function sessionSecret(config: Pick<GatewayConfig, "BETTER_AUTH_SECRET">): string {
  return config.BETTER_AUTH_SECRET ?? PROCESS_SECRET;
}

export type GatewayAuth = ReturnType<typeof buildAuth>;

const instances = new WeakMap<ServiceContext<GatewayConfig>, GatewayAuth>();

/**
 * The Better Auth instance of a gateway process: email and password sign-in (plus Google when
 * configured) under `/api/auth`, with users and sessions in the service's libSQL database.
 * Created once per service context.
 */
export function authOf(svc: ServiceContext<GatewayConfig>): GatewayAuth {
  let auth = instances.get(svc);
  if (!auth) {
    auth = buildAuth(svc);
    instances.set(svc, auth);
  }
  return auth;
}

/**
 * The auth routes, `/api/auth/*`, served by Better Auth's own handler: bodies within
 * `MAX_BODY_BYTES` (413 past it) and errors in the API's shape, see `auth-wire.ts`.
 */
export function authRoutes(svc: ServiceContext<GatewayConfig>) {
  const auth = authOf(svc);
  const maxBytes = svc.config.MAX_BODY_BYTES;
  // Mounted without a path argument, which would strip the prefix Better Auth routes on; the
  // plugin's prefix keeps the catch-all route inside `/api/auth`.
  return new Elysia({ name: "better-auth", prefix: "/api/auth" }).mount(async (request) =>
    likeTheApi(await auth.handler(await boundedRequest(request, maxBytes))),
  );
}

function buildAuth(svc: ServiceContext<GatewayConfig>) {
  const { config, log } = svc;
  if (!config.BETTER_AUTH_SECRET) {
    log.warn(
      "BETTER_AUTH_SECRET is not set: sessions are signed with a random secret of this process " +
        "and end when it stops. Set BETTER_AUTH_SECRET (32+ random characters) in a deployment.",
    );
  }
  const google =
    config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET
      ? { clientId: config.GOOGLE_CLIENT_ID, clientSecret: config.GOOGLE_CLIENT_SECRET }
      : undefined;
  const authLog = log.child({ component: "better-auth" });
  return betterAuth({
    appName: "ShopSniffer",
    baseURL: authBaseUrl(config),
    basePath: "/api/auth",
    secret: sessionSecret(config),
    database: drizzleAdapter(svc.db.db, {
      provider: "sqlite",
      schema: { user, session, account, verification, rateLimit },
    }),
    emailAndPassword: { enabled: true },
    databaseHooks: userNameHooks,
    socialProviders: google ? { google } : {},
    trustedOrigins: trustedOrigins(config),
    advanced: {
      // The gateway sets this header from the socket address (or a trusted proxy's
      // X-Forwarded-For) and drops any copy the client sent.
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
      // Explicit, because Better Auth turns both checks off by default under NODE_ENV=test:
      // cookie requests and sign-ins from browser origins outside `trustedOrigins` are refused.
      disableOriginCheck: false,
      disableCSRFCheck: false,
    },
    // On whatever NODE_ENV says (Better Auth's default is production only), and counted in the
    // `rate_limit` table rather than process memory, so replicas share the counts.
    rateLimit: {
      enabled: config.AUTH_RATE_LIMIT_ENABLED,
      storage: "database",
      window: config.AUTH_RATE_LIMIT_WINDOW_SECONDS,
      max: config.AUTH_RATE_LIMIT_MAX,
    },
    telemetry: { enabled: false },
    // No `level` here: with one set, Better Auth also prints refused requests to the console.
    logger: {
      log(level, message, ...args) {
        // Refused requests (a bad origin or password) arrive as errors without an Error object:
        // they are the client's mistake, so they are logged as warnings.
        const err = args.find((arg) => arg instanceof Error);
        if (err) authLog.error({ err }, message);
        else authLog[level === "error" ? "warn" : level](message);
      },
    },
  });
}
