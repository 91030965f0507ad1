import type { Db } from "@shopsniffer/shared/db/client";
import { AppError } from "@shopsniffer/shared/errors";
import { findActiveKey } from "./api-keys.ts";

/** Who is calling. Sessions and x402 payments will add kinds here. */
export type Principal = { kind: "api_key"; keyId: string; userId: string | null };

const resolved = new WeakMap<Request, Principal | null>();

/**
 * Resolves the caller from the request's headers, once per request. A presented API key
 * decides on its own: a bad one is a 401 and no other method is tried. Returns null when no
 * credential was presented.
 */
export async function resolvePrincipal(db: Db, request: Request): Promise<Principal | null> {
  if (resolved.has(request)) return resolved.get(request) ?? null;
  const principal = await fromHeaders(db, request.headers);
  resolved.set(request, principal);
  return principal;
}

async function fromHeaders(db: Db, headers: Headers): Promise<Principal | null> {
  const rawKey = headers.get("x-api-key");
  if (rawKey !== null) {
    const key = await findActiveKey(db, rawKey.trim());
    if (!key) throw unauthorized();
    return { kind: "api_key", keyId: key.id, userId: key.userId };
  }
  return null;
}

/** Like `resolvePrincipal`, but a request without credentials is a 401 too. */
export async function requirePrincipal(db: Db, request: Request): Promise<Principal> {
  const principal = await resolvePrincipal(db, request);
  if (!principal) throw unauthorized();
  return principal;
}

function unauthorized(): AppError {
  return new AppError("unauthorized", "Unauthorized");
}
