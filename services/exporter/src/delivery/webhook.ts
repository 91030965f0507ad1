import { AppError } from "@shopsniffer/shared/errors";
import { assertPublicHost } from "@shopsniffer/shared/store/address-guard";
import { fetchPinned } from "@shopsniffer/shared/store/pinned-fetch";
import type { AttemptResult } from "./records.ts";

export interface PostOptions {
  timeoutMs: number;
  /** Allow loopback and private targets (`WEBHOOK_ALLOW_PRIVATE`). */
  allowPrivate: boolean;
}

export const WEBHOOK_USER_AGENT = "ShopSniffer-Webhook/0.2";

/**
 * Makes one POST of `body` (JSON) with `headers`. Any 2xx is delivered. Every other answer is
 * retryable, 4xx included: a receiver's 401 or 404 is most often a deploy or configuration
 * slip fixed within the hours the retries span, and the attempt limit bounds the cost. So
 * are redirects (never followed), time-outs and refused connections. Not retryable: a target
 * that is not http(s), not on port 80 or 443, or not on a public address. Never throws.
 */
export async function postWebhook(
  target: string,
  body: string,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<AttemptResult> {
  const url = await checkTarget(target, options.allowPrivate);
  if (!(url instanceof URL)) return url;
  try {
    const init: RequestInit = {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "user-agent": WEBHOOK_USER_AGENT },
      body,
      redirect: "manual",
    };
    const response = await send(url, init, options);
    await response.body?.cancel().catch(() => undefined);
    const code = response.status;
    if (code >= 200 && code < 300) return { ok: true, code };
    return { ok: false, code, error: `HTTP ${code}`, retryable: true };
  } catch (error) {
    // The name resolved to an internal address this time (DNS changed since the check).
    const blocked = error instanceof AppError && error.code === "blocked_address";
    if (blocked) return refused(`webhook host ${url.hostname} is not a public address`, false);
    return { ok: false, code: null, error: describe(error), retryable: true };
  }
}

/**
 * Sends the POST. Unless private targets are allowed, it goes through the store guard's pinned
 * fetch: the host is resolved and checked once more and the connection made to that checked
 * address, so a DNS answer changed since `checkTarget` cannot redirect it.
 */
async function send(url: URL, init: RequestInit, options: PostOptions): Promise<Response> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  if (options.allowPrivate) return fetch(url, { ...init, signal });
  const hop = {
    origins: new Map<string, string>(),
    connectTimeoutMs: options.timeoutMs,
    firstByteTimeoutMs: options.timeoutMs,
  };
  return fetchPinned(hop, url, init, signal);
}

/** The target as a URL, or why it is refused: not http(s), or (by default) not public. */
async function checkTarget(target: string, allowPrivate: boolean): Promise<URL | AttemptResult> {
  const url = URL.parse(target);
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    return refused("webhook URL must be http or https", false);
  }
  if (allowPrivate) return url;
  const host = url.hostname;
  try {
    await assertPublicHost(host);
    if (url.port !== "" && url.port !== "80" && url.port !== "443") {
      return refused("webhook URL must use port 80 or 443", false);
    }
    return url;
  } catch (error) {
    // The guard speaks of stores; say what went wrong with the webhook instead. A name that
    // does not resolve may be a passing DNS fault, so that one is retried.
    const unresolved = error instanceof AppError && error.code === "store_unreachable";
    return unresolved
      ? refused(`could not resolve webhook host ${host}`, true)
      : refused(`webhook host ${host} is not a public address`, false);
  }
}

function refused(error: string, retryable: boolean): AttemptResult {
  return { ok: false, code: null, error, retryable };
}

function describe(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return "timed out";
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 300);
}
