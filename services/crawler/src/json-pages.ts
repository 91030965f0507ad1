import { AppError } from "@shopsniffer/shared/errors";
import { collectGarbageIfOver } from "@shopsniffer/shared/memory";
import { readCapped } from "@shopsniffer/shared/store/read-capped";
import { getStore, throwIfTransient } from "./store-get.ts";
import { asSession, blockedError, isChallengePage, type StoreLink } from "./store-session.ts";

/** Larger bodies are cut here, then fail to parse: no storefront list page is this big. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

/** One object of a storefront JSON list, as the store sent it. */
export type JsonItem = Record<string, unknown>;

/**
 * What one page of a storefront JSON list said:
 * - `items`: the list (may be empty, which ends a series);
 * - `errors`: a body with an `errors` key, Shopify's way to refuse (e.g. past page × limit);
 * - `unavailable`: 404, HTML, garbage or an unexpected shape; `reason` says which.
 * A 429 or 5xx is not an answer: it throws a retryable error; so does a block (430, a
 * challenge), with the message "Blocked by the store", never taken for an unavailable list.
 */
export type JsonPageAnswer =
  | { kind: "items"; items: JsonItem[] }
  | { kind: "errors"; message: string }
  | { kind: "unavailable"; reason: string };

/** Fetches one page of a storefront JSON list whose array lives under `key`. */
export async function fetchJsonPage(
  store: StoreLink,
  url: string,
  key: string,
): Promise<JsonPageAnswer> {
  const { status, body } = await fetchJsonObject(store, url);
  const ok = status >= 200 && status <= 299;
  if (status === 404 || status === 410) return { kind: "unavailable", reason: `HTTP ${status}` };
  if (body && "errors" in body) return { kind: "errors", message: describeErrors(body.errors) };
  if (!ok) return { kind: "unavailable", reason: `HTTP ${status}` };
  if (!body) return { kind: "unavailable", reason: "not JSON" };
  const list = body[key];
  if (!Array.isArray(list)) return { kind: "unavailable", reason: `no "${key}" list` };
  return { kind: "items", items: list.filter(isObject) };
}

/**
 * GETs a storefront JSON document; `url` is where its redirects ended. `body` is null for a
 * 404/410 (not read), HTML, garbage or a JSON value that is not an object. A 429 or 5xx throws
 * a retryable error; a block (430, 403 challenge, or a challenge page where JSON was asked for)
 * throws "Blocked by the store".
 */
export async function fetchJsonObject(
  store: StoreLink,
  url: string,
): Promise<{ status: number; body: JsonItem | null; url: URL }> {
  const answer = await getStore(store, url, "application/json");
  await throwIfTransient(answer);
  const { response } = answer;
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel();
    return { status: response.status, body: null, url: answer.url };
  }
  const text = await readCapped(response, MAX_JSON_BYTES);
  const body = parseJson(text);
  if (body === undefined && isChallengePage(text)) {
    throw blockedError(asSession(store), answer, "a challenge page");
  }
  return { status: response.status, body: isObject(body) ? body : null, url: answer.url };
}

/** How a paged series ended. */
export interface PagingOutcome {
  /** False when the first page was unavailable: the store does not serve this list. */
  available: boolean;
  pagesRead: number;
  itemCount: number;
  /** `unavailable` only ever ends a series at its first page (`available` is then false). */
  endedBy: "empty" | "errors" | "cap" | "unavailable";
  /** Why the first page was unavailable, or what the `errors` body said. */
  reason?: string;
}

/**
 * Reads `pageUrl(1)`, `pageUrl(2)`, ... until an empty list, an `errors` body or `maxPages`,
 * handing each non-empty page to `onPage` before fetching the next (and collecting garbage
 * between pages once memory is high, see collectGarbageIfOver). An unavailable first page
 * means the store does not serve the list; an unavailable later page (404, HTML, garbage)
 * would leave the list cut short, so it throws a retryable `upstream_failed` instead.
 */
export async function forEachJsonPage(
  store: StoreLink,
  pageUrl: (page: number) => string,
  key: string,
  maxPages: number,
  onPage: (items: JsonItem[], page: number) => Promise<void>,
): Promise<PagingOutcome> {
  let itemCount = 0;
  for (let page = 1; page <= maxPages; page++) {
    const url = pageUrl(page);
    const answer = await fetchJsonPage(store, url, key);
    const pagesRead = page - 1;
    if (answer.kind === "unavailable" && page > 1) throw brokenSeries(url, answer.reason);
    if (answer.kind === "unavailable") {
      return {
        available: false,
        pagesRead,
        itemCount,
        endedBy: "unavailable",
        reason: answer.reason,
      };
    }
    if (answer.kind === "errors") {
      return { available: true, pagesRead, itemCount, endedBy: "errors", reason: answer.message };
    }
    if (answer.items.length === 0) {
      return { available: true, pagesRead, itemCount, endedBy: "empty" };
    }
    await onPage(answer.items, page);
    itemCount += answer.items.length;
    // A list page is about 1.5 MB of JSON; its garbage goes before the next page comes in.
    collectGarbageIfOver();
  }
  return { available: true, pagesRead: maxPages, itemCount, endedBy: "cap" };
}

function brokenSeries(url: string, reason: string): AppError {
  const { pathname, search } = new URL(url);
  return new AppError(
    "upstream_failed",
    `The store stopped serving ${pathname}${search} mid-list (${reason}); will try again.`,
    true,
  );
}

/** `base` with `limit=250&page=N` (Shopify's largest page). */
export function pagedUrl(base: string, page: number): string {
  const url = new URL(base);
  url.searchParams.set("limit", "250");
  url.searchParams.set("page", String(page));
  return url.toString();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonItem {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeErrors(errors: unknown): string {
  const text = typeof errors === "string" ? errors : JSON.stringify(errors);
  return (text ?? "").slice(0, 200);
}
