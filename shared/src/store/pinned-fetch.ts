import { AppError } from "../errors.ts";
import { type GuardOptions, resolvePublicHost } from "./address-guard.ts";
import { assertConnects, CONNECT_TIMEOUT, rememberConnected } from "./connect-probe.ts";

/** Where one request goes and how long each of its phases may take. */
export interface HopOptions {
  /** Host → origin. The only way a loopback or private address (or another port) is reached. */
  origins: Map<string, string>;
  guard?: GuardOptions;
  /**
   * An address with another one behind it that takes no connection in this long is given up
   * for the next (see connect-probe.ts). Also Bun's idle timer once the socket is open: no
   * byte moving for this long fails the request; that timer is coarse (a few seconds).
   */
  connectTimeoutMs: number;
  /** From sending the request to the answer's status and headers. */
  firstByteTimeoutMs: number;
  /** Extra trust anchors for https (PEM), e.g. a test's own certificate authority. */
  ca?: string;
}

/**
 * Sends one request without following redirects. A host in `origins` goes to its mapped origin;
 * any other must be http(s) on port 80 or 443 and resolve to public addresses only, and the
 * request is sent to the addresses the check resolved (the name is never looked up again), the
 * next one tried only when a connection to the previous one could not be made (refused, or
 * none within `connectTimeoutMs`; never once the request was sent), with the store's
 * name in the `Host` header and, for https, as the TLS server name the
 * certificate is verified against. `signal` aborts it (the caller's total deadline).
 */
export async function fetchPinned(
  options: HopOptions,
  url: URL,
  init: RequestInit,
  signal: AbortSignal,
): Promise<Response> {
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new AppError("store_unreachable", `Unsupported URL scheme in ${url}.`);
  }
  const headers = new Headers(init.headers);
  headers.set("host", url.host);
  const targets = await targetsOf(options, url);
  for (const [i, { target, tls }] of targets.entries()) {
    const hasNext = i + 1 < targets.length;
    try {
      if (hasNext) await assertConnects(target, options.connectTimeoutMs, signal);
      const response = await fetchOne(options, target, { ...init, headers }, tls, signal);
      rememberConnected(target);
      return response;
    } catch (error) {
      // Refused, unreachable or silent: nothing was sent, so the next checked address may answer.
      if (hasNext && isConnectFailure(error) && !signal.aborted) continue;
      const message = `Could not reach ${url.host}: ${describe(error)}`;
      throw new AppError("store_unreachable", message, true, { cause: error });
    }
  }
  throw new AppError("store_unreachable", `Could not reach ${url.host}: no address.`, true);
}

type TlsSettings = { serverName: string; ca?: string } | null;

/** One request to one address; a first-byte timeout rejects with its TimeoutError. */
async function fetchOne(
  options: HopOptions,
  target: URL,
  init: RequestInit,
  tls: TlsSettings,
  signal: AbortSignal,
): Promise<Response> {
  const firstByte = new AbortController();
  const timer = setTimeout(() => firstByte.abort(firstByteTimeout()), options.firstByteTimeoutMs);
  try {
    return await fetch(target, {
      ...init,
      redirect: "manual",
      signal: AbortSignal.any([signal, firstByte.signal]),
      timeout: options.connectTimeoutMs,
      ...(tls ? { tls } : {}),
    });
  } catch (error) {
    throw firstByte.signal.aborted ? firstByte.signal.reason : error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Error codes of a connection that was never made (the request was not sent), the probe's
 * timeout among them. Not `ETIMEDOUT`, which a socket may also raise after the request went
 * out; a first-byte timeout is a DOMException without a code: a request that may have
 * arrived is never sent again.
 */
const CONNECT_FAILURES = new Set([
  CONNECT_TIMEOUT,
  "ECONNREFUSED",
  "ConnectionRefused",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "FailedToOpenSocket",
]);

function isConnectFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && CONNECT_FAILURES.has(code);
}

/**
 * The URLs that may be connected to, in the resolver's order (every address passed the guard),
 * and the TLS settings that verify the store's own name.
 */
async function targetsOf(
  options: HopOptions,
  url: URL,
): Promise<Array<{ target: URL; tls: TlsSettings }>> {
  const mapped = options.origins.get(url.hostname.toLowerCase());
  if (mapped) return [{ target: new URL(`${url.pathname}${url.search}`, mapped), tls: null }];
  if (url.port !== "" && url.port !== "80" && url.port !== "443") {
    throw new AppError("blocked_address", `${url.host}: only ports 80 and 443 are fetched.`);
  }
  const addresses = await resolvePublicHost(url.hostname, options.guard);
  const serverName = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const tls =
    url.protocol === "https:" ? { serverName, ...(options.ca ? { ca: options.ca } : {}) } : null;
  return addresses.map((address) => {
    const target = new URL(url);
    target.hostname = address.includes(":") ? `[${address}]` : address;
    return { target, tls };
  });
}

function firstByteTimeout(): DOMException {
  return new DOMException("no answer before the first-byte timeout", "TimeoutError");
}

/** A short reason for a failed request, fit for a job's error message. */
export function describe(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return error.message.startsWith("no answer") ? error.message : "timed out";
  }
  return error instanceof Error ? error.message : String(error);
}
