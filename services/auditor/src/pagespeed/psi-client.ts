import { AppError } from "@shopsniffer/shared/errors";
import { type PsiReading, readPsiResponse } from "./psi-response.ts";

/** Google's PageSpeed Insights v5 endpoint, the default of `PSI_ENDPOINT`. */
export const PSI_DEFAULT_ENDPOINT = "https://www.googleapis.com/pagespeedonline/v5/runPagespeed";

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;

export type PsiStrategy = "mobile" | "desktop";

/** How to reach PSI: endpoint, API key and the time one call may take. */
export interface PsiCallOptions {
  endpoint: string;
  apiKey: string;
  timeoutMs: number;
}

/**
 * Runs PSI on `url` for `strategy`. Returns the reading, or `{ error }` when this page could
 * not be measured (Lighthouse failed on it, a 5xx, a timeout). Throws a retryable AppError on
 * a 429 or exhausted quota and a non-retryable one when the key is refused: those concern
 * every page, not this one. When `signal` fires the call is dropped and its reason thrown.
 */
export async function runPsi(
  options: PsiCallOptions,
  url: string,
  strategy: PsiStrategy,
  signal?: AbortSignal,
): Promise<PsiReading | { error: string }> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await fetch(psiUrl(options, url, strategy), {
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
  } catch (error) {
    signal?.throwIfAborted();
    if (error instanceof Error && error.name === "TimeoutError") {
      return { error: `PageSpeed Insights timed out after ${options.timeoutMs} ms` };
    }
    return { error: `PageSpeed Insights unreachable: ${errorText(error)}` };
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) return readPsiResponse(body);
  return pageFailure(response.status, readApiError(body));
}

function psiUrl(options: PsiCallOptions, url: string, strategy: PsiStrategy): string {
  const query = new URLSearchParams({ url, strategy });
  for (const category of CATEGORIES) query.append("category", category);
  query.set("key", options.apiKey);
  return `${options.endpoint}?${query}`;
}

/** Google's error envelope: `{ error: { code, message, status, details } }`. */
interface ApiError {
  message: string;
  status: string;
  reasons: string[];
}

function readApiError(body: unknown): ApiError {
  const error = (body as { error?: Record<string, unknown> } | null)?.error ?? {};
  const details = Array.isArray(error.details) ? error.details : [];
  const errors = Array.isArray(error.errors) ? error.errors : [];
  const reasons = [...details, ...errors]
    .map((d) => (d as Record<string, unknown>)?.reason)
    .filter((r): r is string => typeof r === "string");
  return {
    message: typeof error.message === "string" ? error.message : "",
    status: typeof error.status === "string" ? error.status : "",
    reasons,
  };
}

/** Throws for answers that concern the whole run; returns the page's failure otherwise. */
function pageFailure(status: number, error: ApiError): { error: string } {
  const said = error.message ? `: ${error.message.slice(0, 300)}` : "";
  if (status === 429 || error.status === "RESOURCE_EXHAUSTED") {
    throw new AppError(
      "unavailable",
      `PageSpeed Insights quota exhausted (${status})${said}`,
      true,
    );
  }
  if (status === 401 || status === 403 || error.reasons.includes("API_KEY_INVALID")) {
    const message = `PageSpeed Insights refused the API key (${status}); check PSI_API_KEY${said}`;
    throw new AppError("upstream_failed", message, false);
  }
  return { error: `PageSpeed Insights answered ${status}${said}` };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
