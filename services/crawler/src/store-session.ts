import { AppError } from "@shopsniffer/shared/errors";
import type { StoreFetcher, StoreResponse } from "@shopsniffer/shared/store/fetch";
import type { RobotsRules } from "@shopsniffer/shared/store/robots";
import { AdaptiveLimiter } from "./adaptive-limiter.ts";
import type { CrawlerConfig } from "./context.ts";

/** What a store did to one job's requests, for the job's outcome. */
export interface StoreSignals {
  /** 429 answers received, retried ones included. */
  throttled: number;
  /** The first block seen (430, a challenge), e.g. "430 on /products.json"; null if none. */
  blocked: string | null;
}

/**
 * One job's way to a store: the fetch, how long a `Retry-After` may make it wait, the store's
 * adaptive concurrency and what the store has done so far.
 */
export interface StoreSession {
  fetchStore: StoreFetcher;
  /** Longest wait a `Retry-After` is honoured for (CRAWLER_MAX_RETRY_AFTER_MS). */
  maxRetryAfterMs: number;
  limiter: AdaptiveLimiter;
  signals: StoreSignals;
  /** Waits between tries; `Bun.sleep` but for tests that record the waits. */
  sleep: (ms: number) => Promise<void>;
  /** Each host's robots.txt rules, read once per session (see politeness-robots.ts). */
  robots: Map<string, Promise<RobotsRules>>;
  /**
   * Hosts that moved for good (a 301 or 308 to the same path on another host, e.g. a custom
   * domain to the primary one): later requests go straight to the new host.
   */
  hostAliases: Map<string, string>;
  /** The stage's deadline; once it fired, every failure is the abort, never a store's answer. */
  signal: AbortSignal | null;
}

/** A session, or a bare fetcher (tests, tools) which gets default limits. */
export type StoreLink = StoreFetcher | StoreSession;

const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;

/**
 * A fresh session for one job, with the limits of the crawler's settings. With `signal` (the
 * stage's deadline), every request and every wait of the session ends when it fires, so an
 * attempt the runner has given up on stops fetching.
 */
export function storeSession(
  fetchStore: StoreFetcher,
  config: Pick<
    CrawlerConfig,
    "CRAWLER_CONCURRENCY" | "CRAWLER_MAX_RETRY_AFTER_MS" | "CRAWLER_CONCURRENCY_GROW_AFTER"
  >,
  signal?: AbortSignal,
): StoreSession {
  return {
    fetchStore: signal ? abortingWith(fetchStore, signal) : fetchStore,
    maxRetryAfterMs: config.CRAWLER_MAX_RETRY_AFTER_MS,
    limiter: new AdaptiveLimiter(config.CRAWLER_CONCURRENCY, config.CRAWLER_CONCURRENCY_GROW_AFTER),
    signals: { throttled: 0, blocked: null },
    sleep: signal ? (ms) => sleepUnless(ms, signal) : (ms) => Bun.sleep(ms),
    robots: new Map(),
    hostAliases: new Map(),
    signal: signal ?? null,
  };
}

/**
 * Throws `error` again when `signal` (a session's deadline) has fired. Every catch that turns a
 * failed request into a fallback (a null, a default, a skipped item) calls it first, so a
 * given-up attempt stops instead of carrying on as if the store had failed.
 */
export function rethrowIfAborted(signal: AbortSignal | null | undefined, error: unknown): void {
  if (signal?.aborted) throw error;
}

/** `fetchStore`, with `signal` added to every request's own. */
function abortingWith(fetchStore: StoreFetcher, signal: AbortSignal): StoreFetcher {
  const fetchUntil: StoreFetcher = (url, init = {}) =>
    fetchStore(url, {
      ...init,
      signal: init.signal ? AbortSignal.any([init.signal, signal]) : signal,
    });
  fetchUntil.gate = fetchStore.gate;
  return fetchUntil;
}

/** Waits `ms`, or rejects with the signal's reason as soon as it fires. */
function sleepUnless(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** `link` as a session; a bare fetcher gets a default one of its own. */
export function asSession(link: StoreLink): StoreSession {
  if (typeof link !== "function") return link;
  return storeSession(link, {
    CRAWLER_CONCURRENCY: 4,
    CRAWLER_MAX_RETRY_AFTER_MS: DEFAULT_MAX_RETRY_AFTER_MS,
    CRAWLER_CONCURRENCY_GROW_AFTER: 20,
  });
}

/** True for a store refusing us rather than a resource: 430, or 403 with a CF challenge. */
export function isBlockAnswer(response: Response): boolean {
  if (response.status === 430) return true;
  return response.status === 403 && response.headers.get("cf-mitigated") === "challenge";
}

/**
 * Markers of a Cloudflare challenge page. Not `challenge-platform` alone: Cloudflare injects
 * a `/cdn-cgi/challenge-platform/scripts/jsd/` script into ordinary pages too.
 */
const CHALLENGE_MARKERS =
  /_cf_chl_opt|<title>\s*Just a moment\.\.\.|challenge-platform\/h\/[a-z]\/orchestrate/i;

/** True when an HTML body is a bot challenge rather than a theme page. */
export function isChallengePage(text: string): boolean {
  return CHALLENGE_MARKERS.test(text.slice(0, 64 * 1024));
}

/**
 * Records the block and builds the stage's error. It is retryable so the stage runner tries
 * again after its back-off (blocks often last minutes) and gives up after its attempts; the
 * job then ends `errored` with this message and everything stored so far kept.
 */
export function blockedError(session: StoreSession, answer: StoreResponse, what: string) {
  const where = `${what} on ${answer.url.pathname}`;
  session.signals.blocked ??= where;
  // Shared with every job from this address; a failure to record it must not hide the block.
  session.fetchStore.gate?.onBlocked(answer.url, where).catch(() => undefined);
  return new AppError(
    "upstream_failed",
    `Blocked by the store (${where}); the products found so far are kept.`,
    true,
  );
}

/** True for a stage error made by `blockedError`. */
export function isBlockedError(error: unknown): boolean {
  return error instanceof AppError && error.message.startsWith("Blocked by the store");
}
