import type { GatewayConfig } from "../config.ts";

const cache = new WeakMap<GatewayConfig, Set<string>>();

/** Where Better Auth says it lives: `BETTER_AUTH_URL`, else the gateway's `PUBLIC_URL`. */
export function authBaseUrl(config: GatewayConfig): string {
  return (config.BETTER_AUTH_URL ?? config.PUBLIC_URL).replace(/\/+$/, "");
}

/**
 * Browser origins trusted with session cookies: the gateway's own (`PUBLIC_URL`,
 * `BETTER_AUTH_URL`) and those listed in `CORS_ORIGINS`.
 */
export function trustedOrigins(config: GatewayConfig): string[] {
  let set = cache.get(config);
  if (!set) {
    set = new Set(
      [config.PUBLIC_URL, authBaseUrl(config), ...config.CORS_ORIGINS].flatMap((url) => {
        const parsed = URL.parse(url);
        return parsed ? [parsed.origin] : [];
      }),
    );
    cache.set(config, set);
  }
  return [...set];
}

export function isTrustedOrigin(config: GatewayConfig, origin: string): boolean {
  return trustedOrigins(config).includes(origin);
}

/**
 * Whether a browser sent `request` from another site: an `Origin` that is not trusted, or,
 * without one, `Sec-Fetch-Site: cross-site`. Clients that send neither (curl, servers) pass.
 */
export function isCrossSiteRequest(config: GatewayConfig, request: Request): boolean {
  const origin = request.headers.get("origin");
  if (origin !== null) return !isTrustedOrigin(config, origin);
  return request.headers.get("sec-fetch-site") === "cross-site";
}
