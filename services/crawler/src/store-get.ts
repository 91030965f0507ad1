import { AppError } from "@shopsniffer/shared/errors";
import type { StoreFetcher, StoreResponse } from "@shopsniffer/shared/store/fetch";

/** How many times one request is tried when the store answers 429 or 503. */
const MAX_TRIES = 3;
const MAX_WAIT_MS = 5_000;

/**
 * GETs a store URL. A 429 or 503 is tried again after the store's `Retry-After` (at most 5 s)
 * up to three times in all; what comes back after that is the caller's to judge, usually
 * with `throwIfTransient`.
 */
export async function getStore(
  fetchStore: StoreFetcher,
  url: string,
  accept: string,
): Promise<StoreResponse> {
  for (let attempt = 1; ; attempt++) {
    const answer = await fetchStore(url, { headers: { accept } });
    const status = answer.response.status;
    if ((status !== 429 && status !== 503) || attempt >= MAX_TRIES) return answer;
    await answer.response.body?.cancel();
    await Bun.sleep(retryDelayMs(answer.response.headers.get("retry-after"), attempt));
  }
}

function retryDelayMs(header: string | null, attempt: number): number {
  const seconds = header === null ? Number.NaN : Number(header);
  const wait = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 500 * attempt;
  return Math.min(wait, MAX_WAIT_MS);
}

/** True for answers that may change if asked again later: 429 (rate limited) and 5xx. */
export function isTransient(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Throws a retryable `upstream_failed` for a 429 or 5xx, so the stage runs again later. */
export async function throwIfTransient(answer: StoreResponse): Promise<void> {
  const { status } = answer.response;
  if (!isTransient(status)) return;
  await answer.response.body?.cancel();
  throw new AppError(
    "upstream_failed",
    `The store answered ${status} for ${answer.url.pathname}; will try again.`,
    true,
  );
}
