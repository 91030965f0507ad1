import type { GatewayDeps } from "../deps.ts";
import { findActiveKey } from "./api-keys.ts";
import { authOf } from "./better-auth.ts";
import { isCrossSiteRequest } from "./origins.ts";
import { forbidden, StatusError } from "./status-error.ts";

/**
 * Who is calling: an API key (its owner is a Better Auth user id, or null for an operator's key
 * made without one), or a Better Auth session. A caller with neither is `null`.
 */
export type Principal =
  | { kind: "api_key"; keyId: string; userId: string | null }
  | { kind: "session"; keyId: null; userId: string; sessionId: string };

const resolved = new WeakMap<Request, Promise<Principal | null>>();

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const BEARER = /^Bearer +([^\s]+) *$/i;

/**
 * Resolves the caller from the request's headers, once per request. A presented API key
 * (`X-API-Key`, or `Authorization: Bearer`) decides on its own: a bad or revoked one is a 401
 * and no other method is tried. Otherwise a Better Auth session cookie: one that is expired or
 * forged is a 401 too, unless the request pays with `X-PAYMENT` instead; a cookie request that
 * changes state from an untrusted browser origin is a 403. Returns null when no credential was
 * presented.
 */
export function resolvePrincipal(deps: GatewayDeps, request: Request): Promise<Principal | null> {
  let principal = resolved.get(request);
  if (!principal) {
    principal = fromRequest(deps, request);
    resolved.set(request, principal);
  }
  return principal;
}

async function fromRequest(deps: GatewayDeps, request: Request): Promise<Principal | null> {
  const rawKey = presentedApiKey(request);
  if (rawKey !== null) {
    const key = await findActiveKey(deps.svc.db, rawKey);
    if (!key) throw unauthorized();
    return { kind: "api_key", keyId: key.id, userId: key.userId };
  }
  // Skips the session lookup (a database read) when no session cookie was sent.
  if (!request.headers.get("cookie")?.includes("session_token")) return null;
  const found = await authOf(deps.svc).api.getSession({ headers: request.headers });
  if (!found) {
    // A browser may keep sending a stale cookie beside a payment; without one, say so.
    if (request.headers.has("x-payment")) return null;
    throw unauthorized("session_invalid", "Session expired or invalid; sign in again");
  }
  if (!SAFE_METHODS.has(request.method) && isCrossSiteRequest(deps.svc.config, request)) {
    throw forbidden("Cross-site request refused; use an API key from other origins");
  }
  return { kind: "session", keyId: null, userId: found.user.id, sessionId: found.session.id };
}

/**
 * The API key from `X-API-Key` or `Authorization: Bearer <key>`, or null when neither was
 * sent. Any other `Authorization` (another scheme, no token), or two different keys, is a 401.
 */
function presentedApiKey(request: Request): string | null {
  const header = request.headers.get("x-api-key")?.trim() ?? null;
  const authorization = request.headers.get("authorization");
  if (authorization === null) return header;
  const bearer = BEARER.exec(authorization)?.[1];
  if (!bearer) {
    throw unauthorized("authorization_malformed", 'Authorization must be "Bearer <API key>"');
  }
  if (header !== null && header !== bearer) {
    throw unauthorized("api_key_conflict", "X-API-Key and Authorization carry different API keys");
  }
  return bearer;
}

/** Like `resolvePrincipal`, but a request without credentials is a 401 too. */
export async function requirePrincipal(deps: GatewayDeps, request: Request): Promise<Principal> {
  const principal = await resolvePrincipal(deps, request);
  if (!principal) throw unauthorized();
  return principal;
}

/** A signed-in session, required by routes that API keys may not use (key management). */
export async function requireSession(deps: GatewayDeps, request: Request) {
  const principal = await requirePrincipal(deps, request);
  if (principal.kind !== "session") {
    throw forbidden("API keys cannot manage API keys; sign in to manage them");
  }
  return principal;
}

/**
 * Why a request is a 401, answered as `code`: a presented credential that cannot work says
 * which (`session_invalid`, `authorization_malformed`, `api_key_conflict`); a missing, unknown
 * or revoked one is plain `unauthorized`.
 */
export type UnauthorizedCode =
  | "unauthorized"
  | "session_invalid"
  | "authorization_malformed"
  | "api_key_conflict";

/**
 * 401 in the contract's shape, `{ "error": "Unauthorized" }`, with the reason as `code` and,
 * when the caller has something to fix, a human `message` saying what.
 */
export function unauthorized(code: UnauthorizedCode = "unauthorized", message?: string) {
  return new StatusError(401, { error: "Unauthorized", code, ...(message ? { message } : {}) });
}
