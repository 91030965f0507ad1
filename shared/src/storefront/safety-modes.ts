/**
 * Switchable storefront behaviours that test the crawler's safety and identity handling: huge
 * or slow answers, redirects between a store's domains, password protection and robots.txt.
 * Pass `modeInterceptor([...])` as the storefront's `intercept` option.
 */

import { reply } from "./responses.ts";

/** Which requests a mode applies to. */
interface ModeMatch {
  /** Only requests whose `Host` header names this host (the storefront serves many names). */
  host?: string;
  /** A regex tested against `pathname + search`; default every path. */
  match?: RegExp;
}

export type StorefrontMode = ModeMatch &
  (
    | /** 200 JSON, gzip-encoded, inflating to `inflatedBytes` (sent as ~1/1000 of that). */
    { kind: "gzip-bomb"; inflatedBytes: number }
    /** Answers only after `delayMs`: a store that accepts the connection and says nothing. */
    | { kind: "slow-headers"; delayMs: number }
    /** Sends its headers at once, then one byte every `chunkDelayMs`, `chunks` times. */
    | { kind: "slow-body"; chunkDelayMs: number; chunks: number }
    /**
     * A redirect (`status`, default 301) to `to`: an origin such as `https://primary.test`
     * (the path and query are kept) or a path on the same host such as `/en-ca`.
     */
    | { kind: "redirect"; to: string; status?: number }
    /** A locked store: every page redirects (`status`, default 302) to `/password`. */
    | { kind: "password"; status?: number }
    /** The password page served in place, marked only by its `server-timing` page type. */
    | { kind: "password-page" }
    /** `/robots.txt` answers `body`. */
    | { kind: "robots"; body: string }
    /** A bare error answer, e.g. 503 for a store whose robots.txt is down. */
    | { kind: "status"; status: number }
    /**
     * A site that is not a Shopify store: every path, `/products.json` included, answers 200
     * with a plain HTML page that talks about Shopify, with no Shopify header, global or asset.
     */
    | { kind: "not-shopify" }
  );

const PASSWORD_HTML =
  "<!DOCTYPE html><html><head><title>Opening soon</title></head><body>" +
  '<form action="/password" method="post"><input type="password" name="password"></form>' +
  "</body></html>";

/** The storefront's password page: Shopify marks its page type in `server-timing`. */
export function passwordPage(): Response {
  const response = reply(null, "html", PASSWORD_HTML, 200);
  response.headers.set("server-timing", 'processing;dur=12, pageType;desc="password"');
  return response;
}

const LOOK_ALIKE_HTML =
  "<!DOCTYPE html><html><head><title>Our blog</title></head><body>" +
  "<p>Why we moved off Shopify: Shopify.shop and Shopify.theme globals, cdn.shopify.com " +
  "assets and /products.json are gone. We use Shopify as our ecommerce platform no more.</p>" +
  "</body></html>";

const bombs = new Map<number, Blob>();

/** A gzip body of spaces inflating to `bytes`; built once per size. */
function gzipBomb(bytes: number): Blob {
  let bomb = bombs.get(bytes);
  if (!bomb) {
    bomb = new Blob([Bun.gzipSync(new Uint8Array(bytes).fill(0x20), { level: 9 }).slice()]);
    bombs.set(bytes, bomb);
  }
  return bomb;
}

function trickle(chunkDelayMs: number, chunks: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      await Bun.sleep(chunkDelayMs);
      controller.enqueue(new Uint8Array([0x20]));
      sent += 1;
      if (sent >= chunks) controller.close();
    },
  });
}

function redirect(url: URL, to: string, status: number): Response {
  const location = to.startsWith("/") ? to : `${to}${url.pathname}${url.search}`;
  return new Response(null, { status, headers: { location } });
}

async function modeResponse(mode: StorefrontMode, url: URL): Promise<Response | undefined> {
  switch (mode.kind) {
    case "gzip-bomb": {
      const response = reply(null, "json", gzipBomb(mode.inflatedBytes));
      response.headers.set("content-encoding", "gzip");
      return response;
    }
    case "slow-headers":
      await Bun.sleep(mode.delayMs);
      return reply(null, "text", "late\n");
    case "slow-body":
      return new Response(trickle(mode.chunkDelayMs, mode.chunks), {
        headers: { "content-type": "application/json" },
      });
    case "redirect":
      return redirect(url, mode.to, mode.status ?? 301);
    case "password":
      if (url.pathname === "/password") return passwordPage();
      return redirect(url, "/password", mode.status ?? 302);
    case "password-page":
      return passwordPage();
    case "robots":
      return url.pathname === "/robots.txt" ? reply(null, "text", mode.body) : undefined;
    case "status":
      return reply(null, "text", `HTTP ${mode.status}\n`, mode.status);
    case "not-shopify":
      return new Response(LOOK_ALIKE_HTML, {
        headers: { "content-type": "text/html; charset=utf-8", server: "nginx" },
      });
    default: {
      const never: never = mode;
      throw new Error(`unknown mode ${JSON.stringify(never)}`);
    }
  }
}

/** A storefront `intercept` that answers with the first mode matching the request. */
export function modeInterceptor(modes: readonly StorefrontMode[]) {
  return async (request: Request): Promise<Response | undefined> => {
    const url = new URL(request.url);
    const host = (request.headers.get("host") ?? url.host).replace(/:\d+$/, "");
    for (const mode of modes) {
      if (mode.host !== undefined && mode.host !== host) continue;
      if (mode.match && !mode.match.test(`${url.pathname}${url.search}`)) continue;
      const answer = await modeResponse(mode, url);
      if (answer) return answer;
    }
    return undefined;
  };
}

/** One request as the storefront saw it. */
export interface LoggedRequest {
  atMs: number;
  host: string;
  path: string;
  userAgent: string;
}

/**
 * A storefront `intercept` that records every request (time, host, path, user agent) and then
 * hands it to `next`, e.g. a mode interceptor.
 */
export function requestLog(
  next: (request: Request) => Promise<Response | undefined> | Response | undefined = () =>
    undefined,
) {
  const entries: LoggedRequest[] = [];
  const intercept = (request: Request) => {
    const url = new URL(request.url);
    entries.push({
      atMs: performance.timeOrigin + performance.now(),
      host: (request.headers.get("host") ?? url.host).replace(/:\d+$/, ""),
      path: `${url.pathname}${url.search}`,
      userAgent: request.headers.get("user-agent") ?? "",
    });
    return next(request);
  };
  return { entries, intercept };
}
