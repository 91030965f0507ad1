/**
 * Named ways a storefront misbehaves under load or bot protection, switchable per test: the
 * throttling and blocks real Shopify stores (and the Cloudflare in front of them) answer with.
 */

import { reply } from "./responses.ts";

/** The kinds of answers a fault sends instead of the storefront's normal one. */
export const faultKinds = [
  /** 429 with the fault's `retryAfter` header (omitted when undefined). */
  "throttle",
  /** 430 "Security Rejection", Shopify's answer to a client it distrusts. */
  "security-rejection",
  /** 403 with `cf-mitigated: challenge`, Cloudflare's managed challenge. */
  "challenge",
  /** 200 with a challenge HTML page, even under `.json` paths. */
  "challenge-page",
  /** Never answers: the connection stays open until the client gives up or the store stops. */
  "stall",
  /** Drops the connection before any answer (the client sees ECONNRESET). */
  "reset",
  /** 200 JSON cut off halfway through, as when a connection dies mid-body. */
  "truncated-json",
] as const;
export type FaultKind = (typeof faultKinds)[number];

/** One switchable fault: which requests it hits and how many times. */
export interface StorefrontFault {
  kind: FaultKind;
  /** Requests it applies to: a path regex tested against `pathname + search`; default all. */
  match?: RegExp;
  /** How many matching requests it answers before the store behaves again; default forever. */
  times?: number;
  /**
   * How long in ms it lasts from the first request it answers, for every host the storefront
   * serves: a block page covering all stores seen from one address; default forever.
   */
  forMs?: number;
  /** `Retry-After` value for `throttle` (seconds, decimal seconds or an HTTP date). */
  retryAfter?: string;
}

const CHALLENGE_HTML =
  "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>" +
  '<div id="challenge-platform"></div><script>window._cf_chl_opt={cType:"managed"}</script>' +
  "</body></html>";

const TRUNCATED_JSON = '{"products":[{"id":1,"title":"Cut off mid-bo';

/** The response a fault sends. */
export function faultResponse(fault: StorefrontFault): Response {
  switch (fault.kind) {
    case "throttle": {
      const response = reply(null, "text", "Too Many Requests\n", 429);
      if (fault.retryAfter !== undefined) response.headers.set("retry-after", fault.retryAfter);
      return response;
    }
    case "security-rejection":
      return reply(null, "html", "<h1>Security Rejection</h1>", 430);
    case "challenge": {
      const response = reply(null, "html", CHALLENGE_HTML, 403);
      response.headers.set("cf-mitigated", "challenge");
      return response;
    }
    case "challenge-page":
      return reply(null, "html", CHALLENGE_HTML, 200);
    case "stall":
      return new Response(new ReadableStream({ start() {} }));
    case "reset":
      return new Response(
        new ReadableStream({ start: (controller) => controller.error(new Error("fault: reset")) }),
      );
    case "truncated-json":
      return reply(null, "json", TRUNCATED_JSON, 200);
    default: {
      const never: never = fault.kind;
      throw new Error(`unknown fault ${String(never)}`);
    }
  }
}

/**
 * A request hook that answers with the first matching fault that still has uses left, or
 * undefined to let the store answer. Counts are kept per fault, across requests.
 */
export function faultInterceptor(faults: readonly StorefrontFault[]) {
  const used = faults.map(() => 0);
  const since: Array<number | undefined> = faults.map(() => undefined);
  return (request: Request): Response | undefined => {
    const url = new URL(request.url);
    const target = `${url.pathname}${url.search}`;
    const now = performance.now();
    for (const [i, fault] of faults.entries()) {
      if (fault.match && !fault.match.test(target)) continue;
      if ((used[i] ?? 0) >= (fault.times ?? Number.POSITIVE_INFINITY)) continue;
      const started = since[i] ?? now;
      if (now - started > (fault.forMs ?? Number.POSITIVE_INFINITY)) continue;
      since[i] = started;
      used[i] = (used[i] ?? 0) + 1;
      return faultResponse(fault);
    }
    return undefined;
  };
}
