import { AppError } from "../errors.ts";
import { countCrawl } from "../metrics.ts";
import type { GuardOptions } from "./address-guard.ts";
import { limitBody } from "./body-limit.ts";
import { fetchPinned, type HopOptions } from "./pinned-fetch.ts";

/** The answer to a store request, with the URL it finally came from (on the store's host). */
export interface StoreResponse {
  /** Its body errors past `maxBytes` (decoded) and when the total deadline passes. */
  response: Response;
  /** The last URL of the redirect chain, as the store names it (never the local origin). */
  url: URL;
  /** Each hop after the first: the status that sent us there and where. */
  redirects: Array<{ status: number; url: string }>;
}

/**
 * Sees every request a fetcher sends, hop by hop: the crawler's shared politeness budget.
 * `beforeRequest` may wait, or throw to refuse the request.
 */
export interface RequestGate {
  beforeRequest(url: URL): Promise<void>;
  /** Status and headers of each answer (its body is the caller's). */
  afterResponse(url: URL, response: Response): Promise<void>;
  /** A block recognised from a body, e.g. a challenge page sent with 200. */
  onBlocked(url: URL, reason: string): Promise<void>;
}

export interface StoreFetcherOptions {
  /** Host → origin. The only way a loopback or private address is ever fetched. */
  origins: Map<string, string>;
  /** Each hop, from sending it to the end of its body (STORE_FETCH_TIMEOUT_MS). */
  timeoutMs: number;
  /** Until the status and headers of each hop (STORE_FIRST_BYTE_TIMEOUT_MS). */
  firstByteTimeoutMs?: number;
  /** Socket connect and idle backstop (STORE_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
  /** Largest body read, after decompression (STORE_MAX_RESPONSE_BYTES). */
  maxBytes?: number;
  userAgent?: string;
  maxRedirects?: number;
  guard?: GuardOptions;
  gate?: RequestGate;
  /** Extra trust anchors for https (PEM); tests only. */
  ca?: string;
}

export type StoreFetcher = ((url: string | URL, init?: RequestInit) => Promise<StoreResponse>) & {
  /** The gate every request of this fetcher passes, if any (so body checks can report blocks). */
  gate?: RequestGate;
};

/** The product's home, named in the User-Agent when no public URL is configured. */
export const PROJECT_URL = "https://github.com/shopsniffer/shopsniffer";
export const DEFAULT_USER_AGENT = storeUserAgent();

/** `ShopSniffer/<version> (+<url about it>)`: who we are and where to read about it. */
export function storeUserAgent(aboutUrl: string = PROJECT_URL, version = "0.1"): string {
  return `ShopSniffer/${version} (+${aboutUrl})`;
}

export const DEFAULT_LIMITS = {
  firstByteTimeoutMs: 15_000,
  connectTimeoutMs: 10_000,
  maxBytes: 64 * 1024 * 1024,
} as const;

/**
 * A fetch for store URLs. Redirects are followed by hand so every hop is checked again (scheme,
 * port, public address pinned for the connection, see `fetchPinned`) and passes the gate.
 * Network failures and time-outs become retryable `store_unreachable` errors; a body past
 * `maxBytes` errors when read.
 */
export function createStoreFetcher(options: StoreFetcherOptions): StoreFetcher {
  const maxRedirects = options.maxRedirects ?? 8;
  const hop: HopOptions = {
    origins: options.origins,
    guard: options.guard,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_LIMITS.connectTimeoutMs,
    firstByteTimeoutMs: options.firstByteTimeoutMs ?? DEFAULT_LIMITS.firstByteTimeoutMs,
    ca: options.ca,
  };
  const maxBytes = options.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  const fetcher: StoreFetcher = async (input, init = {}) => {
    let url = new URL(input);
    const headers = new Headers(init.headers);
    if (!headers.has("user-agent")) {
      headers.set("user-agent", options.userAgent ?? DEFAULT_USER_AGENT);
    }
    const redirects: StoreResponse["redirects"] = [];
    for (;;) {
      await options.gate?.beforeRequest(url);
      // Each hop's clock starts after the gate: a politeness wait is not the store's slowness.
      const deadline = AbortSignal.timeout(options.timeoutMs);
      const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
      const response = await countCrawl(url, fetchPinned(hop, url, { ...init, headers }, signal));
      await options.gate?.afterResponse(url, response);
      const location = response.headers.get("location");
      if (!isRedirect(response.status) || !location) {
        return { response: limitBody(response, maxBytes, url), url, redirects };
      }
      await response.body?.cancel();
      url = nextHop(url, location, redirects.length, maxRedirects);
      redirects.push({ status: response.status, url: url.toString() });
    }
  };
  fetcher.gate = options.gate;
  return fetcher;
}

function nextHop(url: URL, location: string, followed: number, maxRedirects: number): URL {
  if (followed >= maxRedirects) {
    throw new AppError("store_unreachable", `Too many redirects from ${url.host}.`);
  }
  const next = URL.parse(location, url);
  if (!next) {
    throw new AppError("store_unreachable", `${url.host} redirected to a malformed URL.`);
  }
  return next;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}
