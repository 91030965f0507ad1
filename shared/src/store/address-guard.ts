import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { AppError } from "../errors.ts";

/** Resolves a host name to its addresses (all of them, in the resolver's order). */
export type HostLookup = (host: string) => Promise<Array<{ address: string }>>;

/** How the guard resolves and judges; the defaults are the system resolver and the rules below. */
export interface GuardOptions {
  lookup?: HostLookup;
  /** Judges one address; tests pass their own to treat a loopback address as "public". */
  isNonPublic?: (address: string) => boolean;
}

const systemLookup: HostLookup = (host) => lookup(host, { all: true, verbatim: true });

/**
 * Resolves `hostname` once and returns its addresses, refusing it when any address is loopback,
 * private, link-local or otherwise not on the public internet, so a job can never be pointed at
 * our own network. Callers connect to one of the returned addresses (never resolving the name
 * again), so a DNS answer that changes after the check cannot swap the address.
 * Throws `blocked_address` (not retryable) or a retryable `store_unreachable` when the name
 * does not resolve.
 */
export async function resolvePublicHost(
  hostname: string,
  options: GuardOptions = {},
): Promise<string[]> {
  // URL keeps IPv6 literals in brackets; lookups and isIP want them bare. A trailing dot names
  // the same host ("localhost." is localhost).
  const host = hostname
    .replace(/^\[(.*)\]$/, "$1")
    .toLowerCase()
    .replace(/\.+$/, "");
  if (host === "" || host === "localhost" || host.endsWith(".localhost")) throw blocked(hostname);
  if (host.endsWith(".internal")) throw blocked(hostname);
  const resolve = options.lookup ?? systemLookup;
  // Numeric spellings resolvers accept (2130706433, 0x7f.1, 017700000001, 127.1) are read here,
  // never sent to a resolver.
  const literal = isIP(host) ? host : legacyIpv4(host);
  const answers = literal
    ? [{ address: literal }]
    : await resolve(host).catch((error) => {
        throw new AppError("store_unreachable", `Could not resolve ${host}.`, true, {
          cause: error,
        });
      });
  const isNonPublic = options.isNonPublic ?? isNonPublicAddress;
  if (answers.length === 0 || answers.some((a) => isNonPublic(a.address))) throw blocked(hostname);
  return answers.map((a) => a.address);
}

/** `resolvePublicHost` for callers that only need the verdict (webhook URLs at creation). */
export async function assertPublicHost(hostname: string, options?: GuardOptions): Promise<void> {
  await resolvePublicHost(hostname, options);
}

/**
 * True for addresses outside the public internet, in any IPv4 or IPv6 spelling: private,
 * loopback, link- and site-local, unique-local, multicast, documentation, benchmarking and
 * translation prefixes. An IPv4 address carried inside IPv6 (mapped, compatible, NAT64, 6to4)
 * is judged as IPv4; any other IPv6 address must be global unicast (2000::/3) outside the
 * special-purpose blocks.
 */
export function isNonPublicAddress(address: string): boolean {
  if (isIP(address) === 4) return isNonPublicV4(address.split(".").map(Number));
  const bytes = ipv6Bytes(address);
  if (!bytes) return true;
  const embedded = embeddedV4(bytes);
  if (embedded) return isNonPublicV4(embedded);
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0] = bytes;
  const [first, second] = [(b0 << 8) | b1, (b2 << 8) | b3];
  return (
    // ::/8 (unspecified, loopback), 64:ff9b:1::/48, 100::/64, fc00::/7, fe80::/10,
    // fec0::/10, ff00::/8
    (b0 & 0xe0) !== 0x20 ||
    // 2001::/23: Teredo (2001::/32), benchmarking (2001:2::/48), ORCHID and other IETF uses
    (first === 0x2001 && second < 0x0200) ||
    (first === 0x2001 && second === 0x0db8) ||
    (first === 0x3fff && second < 0x1000)
  );
}

/**
 * The IPv4 address inside an IPv6 one: mapped (`::ffff:a.b.c.d`, also SIIT's
 * `::ffff:0:a.b.c.d`), compatible, NAT64 (`64:ff9b::/96`) or 6to4 (`2002:aabb:ccdd::/48`).
 */
function embeddedV4(bytes: number[]): number[] | null {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  const ones = (at: number) => bytes[at] === 0xff && bytes[at + 1] === 0xff;
  const mapped = zeros(0, 10) && ones(10);
  const siit = zeros(0, 8) && ones(8) && zeros(10, 12);
  const compatible = zeros(0, 12) && !zeros(12, 15);
  const nat64 = bytes[0] === 0 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b;
  if (mapped || siit || compatible || (nat64 && zeros(4, 12))) return bytes.slice(12);
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6);
  return null;
}

/** The 16 bytes of an IPv6 address in any valid spelling, or null. */
function ipv6Bytes(address: string): number[] | null {
  const text = address.toLowerCase().replace(/%.*$/, "");
  if (isIP(text) !== 6) return null;
  const [head = "", tail] = text.split("::");
  const groups = (part: string) => (part ? part.split(":") : []);
  const words = (parts: string[]) =>
    parts.flatMap((g) => {
      if (g.includes(".")) {
        const [a = 0, b = 0, c = 0, d = 0] = g.split(".").map(Number);
        return [(a << 8) | b, (c << 8) | d];
      }
      return [Number.parseInt(g, 16)];
    });
  const left = words(groups(head));
  const right = tail === undefined ? [] : words(groups(tail));
  const fill = new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...fill, ...right].flatMap((w) => [w >> 8, w & 0xff]);
}

function isNonPublicV4([a = 0, b = 0, c = 0]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) ||
    (a === 192 && b === 88 && c === 99) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113) ||
    a >= 224
  );
}

/**
 * A host written as an IPv4 address the way `inet_aton` reads it (one to four parts, each
 * decimal, octal with a leading 0 or hex with 0x; the last part fills the remaining bytes),
 * as a dotted quad; null for anything else, names included.
 */
export function legacyIpv4(host: string): string | null {
  const parts = host.split(".");
  if (parts.length > 4) return null;
  const values = parts.map(legacyNumber);
  if (values.some((v) => v === null)) return null;
  const numbers = values as number[];
  const last = numbers.pop() ?? 0;
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) return null;
  const value = numbers.reduce((sum, n, i) => sum + n * 256 ** (3 - i), 0) + last;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

function legacyNumber(part: string): number | null {
  if (/^0x[0-9a-f]*$/.test(part)) return part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16);
  if (/^0[0-7]*$/.test(part)) return Number.parseInt(part, 8);
  if (/^[1-9][0-9]*$/.test(part)) return Number(part);
  return null;
}

function blocked(host: string): AppError {
  return new AppError("blocked_address", `${host} is not a public internet address.`);
}
