import { AppError } from "@shopsniffer/shared/errors";
import type { StoreResponse } from "@shopsniffer/shared/store/fetch";
import { retryDelayMs } from "./retry-after.ts";
import { disallowedAnswer, pageAllowed } from "./politeness-robots.ts";
import {
  asSession,
  blockedError,
  isBlockAnswer,
  type StoreLink,
  type StoreSession,
} from "./store-session.ts";

/** How many times one request is tried when the store answers 429 or 503. */
const MAX_TRIES = 3;

/** A store answer; `disallowed` when robots.txt kept us from a page (nothing was sent). */
export type StoreAnswer = StoreResponse & { disallowed?: true };

/**
 * GETs a store URL. A 429 or 503 is tried again after the store's `Retry-After` (capped by
 * the session's `maxRetryAfterMs`; exponential when absent or unparseable), three tries in
 * all; what comes back after that is the caller's to judge, usually with `throwIfTransient`.
 * A 429 halves the session's concurrency, other answers count as successes. A block (430,
 * 403 with `cf-mitigated: challenge`) throws the retryable "Blocked by the store" error.
 * An HTML page (`accept` naming text/html) that robots.txt disallows is not requested: the
 * answer is marked `disallowed`. A host that moved for good is asked directly afterwards.
 */
export async function getStore(link: StoreLink, url: string, accept: string): Promise<StoreAnswer> {
  const session = asSession(link);
  const target = aliased(session, new URL(url));
  if (accept.includes("text/html") && !(await pageAllowed(session, target))) {
    return disallowedAnswer(target);
  }
  for (let attempt = 1; ; attempt++) {
    const answer = await session.fetchStore(target, { headers: { accept } });
    rememberMove(session, target, answer);
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

function aliased(session: StoreSession, url: URL): URL {
  const host = session.hostAliases.get(url.host);
  if (!host) return url;
  const moved = new URL(url);
  moved.host = host;
  return moved;
}

/** A first hop that is a 301/308 to the same path on another host moves that host for good. */
function rememberMove(session: StoreSession, asked: URL, answer: StoreResponse): void {
  const first = answer.redirects[0];
  if (!first || (first.status !== 301 && first.status !== 308)) return;
  const to = new URL(first.url);
  const samePlace = to.pathname === asked.pathname && to.search === asked.search;
  if (samePlace && to.host !== asked.host && to.protocol === "https:") {
    session.hostAliases.set(asked.host, to.host);
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
