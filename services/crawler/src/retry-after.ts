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
  const dateMs = parseHttpDate(value);
  return dateMs === null ? null : Math.max(0, dateMs - nowMs);
}

const MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec";
const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*";
/** The three HTTP date forms of RFC 9110 §5.6.7; all of them are GMT. */
const HTTP_DATES = [
  new RegExp(`^${DAY}, (\\d{2}) (${MONTHS}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`),
  new RegExp(`^${DAY}, (\\d{2})-(${MONTHS})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`),
  new RegExp(`^${DAY} (${MONTHS}) ( ?\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4})$`),
];

/** Milliseconds since the epoch of an HTTP date, read as UTC; null for anything else. */
function parseHttpDate(value: string): number | null {
  const [imf, rfc850, asctime] = HTTP_DATES.map((re) => value.match(re));
  const month = (name: string) => MONTHS.split("|").indexOf(name);
  const utc = (y: number, mo: string, d: string, h: string, mi: string, s: string) =>
    Date.UTC(y, month(mo), Number(d), Number(h), Number(mi), Number(s));
  if (imf) {
    const [, d = "", mo = "", y = "", h = "", mi = "", s = ""] = imf;
    return utc(Number(y), mo, d, h, mi, s);
  }
  if (rfc850) {
    const [, d = "", mo = "", yy = "", h = "", mi = "", s = ""] = rfc850;
    const year = Number(yy) + (Number(yy) < 70 ? 2000 : 1900);
    return utc(year, mo, d, h, mi, s);
  }
  if (asctime) {
    const [, mo = "", d = "", h = "", mi = "", s = "", y = ""] = asctime;
    return utc(Number(y), mo, d.trim(), h, mi, s);
  }
  return null;
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
