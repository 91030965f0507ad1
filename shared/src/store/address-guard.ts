import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { AppError } from "../errors.ts";
import { NOT_SHOPIFY_MESSAGE } from "./messages.ts";

/**
 * Resolves `host` and refuses it when any address is loopback, private, link-local or
 * otherwise not on the public internet, so a job can never be pointed at our own network.
 */
export async function assertPublicHost(hostname: string): Promise<void> {
  // URL keeps IPv6 literals in brackets; lookups and isIP want them bare.
  const host = hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal")) {
    throw blocked(host);
  }
  const addresses = isIP(host)
    ? [{ address: host }]
    : await lookup(host, { all: true, verbatim: true }).catch((error) => {
        throw new AppError("store_unreachable", `Could not resolve ${host}.`, true, {
          cause: error,
        });
      });
  // FIXME: the address is checked here and resolved again by fetch, so a DNS answer that
  // changes between the two lookups (rebinding) could still reach a private address.
  if (addresses.some((a) => isNonPublicAddress(a.address))) throw blocked(host);
}

/** True for addresses outside the public internet (RFC 1918, loopback, link-local, ULA...). */
export function isNonPublicAddress(address: string): boolean {
  if (isIP(address) === 4) return isNonPublicV4(address);
  const lower = address.toLowerCase();
  const mapped = lower.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (mapped?.[1]) return isNonPublicV4(mapped[1]);
  return (
    lower === "::" ||
    lower === "::1" ||
    lower.startsWith("fc") ||
    lower.startsWith("fd") ||
    lower.startsWith("fe8") ||
    lower.startsWith("fe9") ||
    lower.startsWith("fea") ||
    lower.startsWith("feb")
  );
}

function isNonPublicV4(address: string): boolean {
  const [a = 0, b = 0] = address.split(".").map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

function blocked(host: string): AppError {
  return new AppError("not_shopify", NOT_SHOPIFY_MESSAGE, false, {
    cause: new Error(`${host} is not a public address`),
  });
}
