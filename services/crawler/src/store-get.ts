import { AppError } from "@shopsniffer/shared/errors";
import type { StoreResponse } from "@shopsniffer/shared/store/fetch";
import { retryDelayMs } from "./retry-after.ts";
import { asSession, blockedError, isBlockAnswer, type StoreLink } from "./store-session.ts";

/** How many times one request is tried when the store answers 429 or 503. */
const MAX_TRIES = 3;

/**
 * GETs a store URL. A 429 or 503 is tried again after the store's `Retry-After` (capped by
 * the session's `maxRetryAfterMs`; exponential when absent or unparseable), three tries in
 * all; what comes back after that is the caller's to judge, usually with `throwIfTransient`.
 * A 429 halves the session's concurrency, other answers count as successes. A block (430,
 * 403 with `cf-mitigated: challenge`) throws the retryable "Blocked by the store" error.
 */
export async function getStore(
  link: StoreLink,
  url: string,
  accept: string,
): Promise<StoreResponse> {
  const session = asSession(link);
  for (let attempt = 1; ; attempt++) {
    const answer = await session.fetchStore(url, { headers: { accept } });
    const { status, headers } = answer.response;
    if (isBlockAnswer(answer.response)) {
      await answer.response.body?.cancel();
      throw blockedError(session, answer, `HTTP ${status}`);
    }
    if (status === 429) {
      session.signals.throttled += 1;
      session.limiter.onThrottled();
    } else if (status < 500) session.limiter.onSuccess();
    if ((status !== 429 && status !== 503) || attempt >= MAX_TRIES) return answer;
    await answer.response.body?.cancel();
    await session.sleep(retryDelayMs(headers.get("retry-after"), attempt, session.maxRetryAfterMs));
  }
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
