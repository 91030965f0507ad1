import { Elysia } from "elysia";
import { isTrustedOrigin } from "./auth/origins.ts";
import type { GatewayConfig } from "./config.ts";

const ALLOW_HEADERS = "Content-Type, X-API-Key, Authorization, X-PAYMENT";
const ALLOW_METHODS = "GET, POST, DELETE, OPTIONS";
const EXPOSE_HEADERS = "X-PAYMENT-RESPONSE, Retry-After, X-Request-Id";
const PREFLIGHT_MAX_AGE_SECONDS = "600";

/**
 * CORS for browsers. Trusted origins (the gateway's own and `CORS_ORIGINS`) are answered with
 * their origin and `Access-Control-Allow-Credentials`, so session cookies work there; any other
 * origin may call the API without credentials (an API key or an x402 payment), since browsers
 * never attach cookies to a `*` answer.
 */
export function corsPlugin(config: GatewayConfig) {
  return new Elysia({ name: "cors" }).onRequest(({ request, set }) => {
    const origin = request.headers.get("origin");
    if (origin === null) {
      // The answer depends on Origin either way: a shared cache must not hand this copy,
      // without CORS headers, to a browser's cross-origin request.
      set.headers.vary = "Origin";
      return undefined;
    }
    const headers = allowHeaders(config, origin);
    const preflight =
      request.method === "OPTIONS" && request.headers.has("access-control-request-method");
    if (preflight) {
      return new Response(null, {
        status: 204,
        headers: {
          ...headers,
          "access-control-allow-methods": ALLOW_METHODS,
          "access-control-allow-headers": ALLOW_HEADERS,
          "access-control-max-age": PREFLIGHT_MAX_AGE_SECONDS,
          vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        },
      });
    }
    Object.assign(set.headers, headers, { "access-control-expose-headers": EXPOSE_HEADERS });
    return undefined;
  });
}

function allowHeaders(config: GatewayConfig, origin: string): Record<string, string> {
  if (isTrustedOrigin(config, origin)) {
    return {
      "access-control-allow-origin": origin,
      "access-control-allow-credentials": "true",
      vary: "Origin",
    };
  }
  return { "access-control-allow-origin": "*", vary: "Origin" };
}
