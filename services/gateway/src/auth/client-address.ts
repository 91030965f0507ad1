import { Elysia } from "elysia";
import type { GatewayConfig } from "../config.ts";

/**
 * The request header that carries the client address to Better Auth (for its session records
 * and sign-in limits). The gateway always overwrites it; a client's own copy is discarded.
 */
export const CLIENT_ADDRESS_HEADER = "x-shopsniffer-client-address";

const addresses = new WeakMap<Request, string | null>();

interface PeerServer {
  requestIP(request: Request): { address: string } | null;
}

/**
 * Works out each request's client address once: the socket's peer address, or, with
 * `TRUST_PROXY` set to N hops, the Nth address from the right of `X-Forwarded-For` (the one
 * the outermost trusted proxy saw). Null when unknown, as for in-process requests.
 */
export function clientAddressPlugin(config: GatewayConfig) {
  return new Elysia({ name: "client-address" }).onRequest(({ request, server }) => {
    const address = resolveAddress(request, server as PeerServer | null, config.TRUST_PROXY);
    addresses.set(request, address);
    if (address) request.headers.set(CLIENT_ADDRESS_HEADER, address);
    else request.headers.delete(CLIENT_ADDRESS_HEADER);
  });
}

/** The client address `clientAddressPlugin` found for `request`, or null. */
export function clientAddressOf(request: Request): string | null {
  return addresses.get(request) ?? null;
}

export function resolveAddress(
  request: Request,
  server: PeerServer | null,
  trustedHops: number,
): string | null {
  if (trustedHops > 0) {
    const chain = (request.headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean);
    // Fewer entries than trusted hops: the leftmost is the best the proxies recorded.
    const forwarded = chain[Math.max(0, chain.length - trustedHops)];
    if (forwarded) return normalizeAddress(forwarded);
  }
  const peer = server?.requestIP(request)?.address;
  return peer ? normalizeAddress(peer) : null;
}

/** IPv4-mapped IPv6 as plain IPv4; brackets and zone ids dropped; lower case. */
export function normalizeAddress(raw: string): string {
  const address = raw
    .replace(/^\[|\]$/g, "")
    .replace(/%.*$/, "")
    .toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  return mapped?.[1] ?? address;
}
