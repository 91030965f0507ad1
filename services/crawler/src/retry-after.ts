/** Waits before trying a throttled store request again. */

/** Wait without a usable `Retry-After`: 500 ms, doubling per attempt. */
const DEFAULT_BASE_MS = 500;

/**
 * Milliseconds a `Retry-After` value asks for: integer or decimal seconds, or an HTTP date
 * (a date in the past is 0). Null when absent or unparseable (negative, words, garbage).
 */
export function parseRetryAfterMs(header: string | null, nowMs = Date.now()): number | null {
  const value = header?.trim() ?? "";
  if (value === "") return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  if (!/[a-z]/i.test(value)) return null;
  const dateMs = Date.parse(value);
  return Number.isFinite(dateMs) ? Math.max(0, dateMs - nowMs) : null;
}

/**
 * How long to wait before try `attempt + 1`: the store's `Retry-After` when it parses, else
 * an exponential default (500 ms, 1 s, 2 s, ...); never more than `maxMs`.
 */
export function retryDelayMs(header: string | null, attempt: number, maxMs: number): number {
  const asked = parseRetryAfterMs(header);
  const wait = asked ?? DEFAULT_BASE_MS * 2 ** Math.max(0, attempt - 1);
  return Math.min(wait, maxMs);
}
