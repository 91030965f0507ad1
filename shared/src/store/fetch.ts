import { AppError } from "../errors.ts";
import { assertPublicHost } from "./address-guard.ts";

/** The answer to a store request, with the URL it finally came from (on the store's host). */
export interface StoreResponse {
  response: Response;
  /** The last URL of the redirect chain, as the store names it (never the local origin). */
  url: URL;
  redirects: Array<{ status: number; url: string }>;
}

export interface StoreFetcherOptions {
  /** Host → origin. The only way a loopback or private address is ever fetched. */
  origins: Map<string, string>;
  timeoutMs: number;
  userAgent?: string;
  maxRedirects?: number;
}

export type StoreFetcher = (url: string | URL, init?: RequestInit) => Promise<StoreResponse>;

export const DEFAULT_USER_AGENT = "ShopSniffer/0.1 (+https://github.com/shopsniffer)";

/**
 * A fetch for store URLs. Redirects are followed by hand so every hop is checked: a host in
 * `origins` is sent to its mapped origin, any other host must resolve to public addresses.
 * Network failures and time-outs become retryable `store_unreachable` errors.
 */
export function createStoreFetcher(options: StoreFetcherOptions): StoreFetcher {
  const maxRedirects = options.maxRedirects ?? 8;
  return async (input, init = {}) => {
    let url = new URL(input);
    const redirects: StoreResponse["redirects"] = [];
    for (;;) {
      const response = await fetchOnce(options, url, init);
      const location = response.headers.get("location");
      if (!isRedirect(response.status) || !location) return { response, url, redirects };
      await response.body?.cancel();
      if (redirects.length >= maxRedirects) {
        throw new AppError("store_unreachable", `Too many redirects from ${url.host}.`);
      }
      const next = URL.parse(location, url);
      if (!next) {
        throw new AppError("store_unreachable", `${url.host} redirected to a malformed URL.`);
      }
      url = next;
      redirects.push({ status: response.status, url: url.toString() });
    }
  };
}

async function fetchOnce(options: StoreFetcherOptions, url: URL, init: RequestInit) {
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new AppError("store_unreachable", `Unsupported URL scheme in ${url}.`);
  }
  const target = await resolveTarget(options, url);
  const headers = new Headers(init.headers);
  if (!headers.has("user-agent"))
    headers.set("user-agent", options.userAgent ?? DEFAULT_USER_AGENT);
  try {
    return await fetch(target, {
      ...init,
      headers,
      redirect: "manual",
      signal: init.signal ?? AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new AppError(
      "store_unreachable",
      `Could not reach ${url.host}: ${describe(error)}`,
      true,
      {
        cause: error,
      },
    );
  }
}

async function resolveTarget(options: StoreFetcherOptions, url: URL): Promise<URL> {
  const mapped = options.origins.get(url.hostname.toLowerCase());
  if (!mapped) {
    await assertPublicHost(url.hostname);
    return url;
  }
  return new URL(`${url.pathname}${url.search}`, mapped);
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function describe(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return "timed out";
  return error instanceof Error ? error.message : String(error);
}
