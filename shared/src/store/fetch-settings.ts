import type { BaseConfig } from "../config.ts";
import { PROJECT_URL, type StoreFetcherOptions, storeUserAgent } from "./fetch.ts";

/**
 * A store fetcher's options from a service's settings: STORE_ORIGINS, the STORE_* time-outs
 * and size limit, and the User-Agent (STORE_USER_AGENT, else one naming the product and this
 * install's PUBLIC_URL, or the project's page when that is only a local address).
 */
export function storeFetcherSettings(
  config: Pick<
    BaseConfig,
    | "STORE_ORIGINS"
    | "STORE_FETCH_TIMEOUT_MS"
    | "STORE_FIRST_BYTE_TIMEOUT_MS"
    | "STORE_CONNECT_TIMEOUT_MS"
    | "STORE_MAX_RESPONSE_BYTES"
    | "STORE_USER_AGENT"
    | "PUBLIC_URL"
  >,
): StoreFetcherOptions {
  return {
    origins: config.STORE_ORIGINS,
    timeoutMs: config.STORE_FETCH_TIMEOUT_MS,
    firstByteTimeoutMs: config.STORE_FIRST_BYTE_TIMEOUT_MS,
    connectTimeoutMs: config.STORE_CONNECT_TIMEOUT_MS,
    maxBytes: config.STORE_MAX_RESPONSE_BYTES,
    userAgent: config.STORE_USER_AGENT ?? storeUserAgent(aboutUrl(config.PUBLIC_URL)),
  };
}

function aboutUrl(publicUrl: string): string {
  const host = URL.parse(publicUrl)?.hostname ?? "";
  const local = host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host === "";
  return local ? PROJECT_URL : publicUrl;
}
