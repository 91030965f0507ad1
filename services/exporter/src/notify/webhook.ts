import { AppError } from "@shopsniffer/shared/errors";
import { assertPublicHost } from "@shopsniffer/shared/store/address-guard";
import type { JobLinks } from "./links.ts";

/** The reference's completion webhook body. `job.completed` is the only event. */
export interface WebhookPayload extends JobLinks {
  event: "job.completed";
  job_id: string;
  domain: string;
  slug: string;
}

export interface WebhookOptions {
  timeoutMs: number;
  /** Allow loopback and private targets (`WEBHOOK_ALLOW_PRIVATE`). */
  allowPrivate: boolean;
}

/** How one delivery attempt ended; `error` says why it failed, in a few words. */
export type DeliveryResult = { status: "delivered" } | { status: "failed"; error: string };

export const WEBHOOK_USER_AGENT = "ShopSniffer-Webhook/0.1";

/**
 * Makes one POST attempt (no retries, no signature, like the reference). Any 2xx is
 * delivered; any other answer, a redirect, a time-out or a refused target is failed.
 * Never throws.
 */
export async function postWebhook(
  target: string,
  payload: WebhookPayload,
  options: WebhookOptions,
): Promise<DeliveryResult> {
  try {
    const url = await checkTarget(target, options.allowPrivate);
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": WEBHOOK_USER_AGENT },
      body: JSON.stringify(payload),
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { status: "delivered" };
    return { status: "failed", error: `HTTP ${response.status}` };
  } catch (error) {
    return { status: "failed", error: describe(error) };
  }
}

/** The target as a URL, refused unless http(s) and (by default) on public addresses only. */
async function checkTarget(target: string, allowPrivate: boolean): Promise<URL> {
  const url = URL.parse(target);
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new Error("webhook URL must be http or https");
  }
  if (allowPrivate) return url;
  // URL keeps IPv6 literals in brackets; the guard wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  try {
    await assertPublicHost(host);
  } catch (error) {
    // The guard speaks of stores; say what went wrong with the webhook instead.
    const unresolved = error instanceof AppError && error.code === "store_unreachable";
    throw new Error(
      unresolved
        ? `could not resolve webhook host ${host}`
        : `webhook host ${host} is not a public address`,
    );
  }
  return url;
}

function describe(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return "timed out";
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 300);
}
