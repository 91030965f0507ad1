import type { StoreResponse } from "@shopsniffer/shared/store/fetch";
import { readCapped } from "@shopsniffer/shared/store/read-capped";
import {
  ALLOW_ALL,
  DISALLOW_ALL,
  parseRobots,
  type RobotsRules,
  robotsAllows,
} from "@shopsniffer/shared/store/robots";
import { rethrowIfAborted, type StoreSession } from "./store-session.ts";

/** robots.txt past this size is cut (Google reads 500 KiB). */
const MAX_ROBOTS_BYTES = 512 * 1024;

/**
 * True when the store's robots.txt lets us fetch `url` as a page. Read once per host and
 * session: a 4xx means no rules; a 5xx, 429 or no answer means no pages, as RFC 9309 asks.
 * Only HTML pages are judged: the JSON endpoints are the store's public data API, which
 * robots.txt does not govern.
 */
export async function pageAllowed(session: StoreSession, url: URL): Promise<boolean> {
  let rules = session.robots.get(url.host);
  if (!rules) {
    rules = readRobots(session, url);
    session.robots.set(url.host, rules);
  }
  return robotsAllows(await rules, `${url.pathname}${url.search}`);
}

async function readRobots(session: StoreSession, url: URL): Promise<RobotsRules> {
  try {
    const answer = await session.fetchStore(new URL("/robots.txt", url), {
      headers: { accept: "text/plain" },
    });
    const { status } = answer.response;
    if (status >= 200 && status <= 299) {
      return parseRobots(await readCapped(answer.response, MAX_ROBOTS_BYTES));
    }
    await answer.response.body?.cancel();
    return status >= 400 && status <= 499 && status !== 429 ? ALLOW_ALL : DISALLOW_ALL;
  } catch (error) {
    rethrowIfAborted(session.signal, error);
    return DISALLOW_ALL;
  }
}

/** What `getStore` answers for a page robots.txt keeps us from: nothing was requested. */
export function disallowedAnswer(url: URL): StoreResponse & { disallowed: true } {
  const response = new Response(null, { status: 403, statusText: "Disallowed by robots.txt" });
  return { response, url, redirects: [], disallowed: true };
}
