import { AppError } from "@shopsniffer/shared/errors";
import type { StoreFetcher } from "@shopsniffer/shared/store/fetch";
import type { BrowserContext, Route } from "playwright-core";
import type { PageRequest } from "../audit/page-view.ts";

/** Requests one page may make; later ones are refused (and counted). */
const MAX_REQUESTS = 300;
/** Largest response handed to the page; larger ones fail the request. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Script bodies kept for the fingerprints' script patterns: each, and in all. */
const MAX_SCRIPT_CHARS = 400_000;
const MAX_SCRIPT_TOTAL_CHARS = 4_000_000;
/** Request headers passed on from the page; everything else is left to the store fetcher. */
const FORWARDED_HEADERS = ["accept", "accept-language", "range"];
/** Response headers not passed back: the body handed over is already decoded and whole. */
const DROPPED_HEADERS = new Set(["content-encoding", "content-length", "transfer-encoding"]);

export interface RouterOptions {
  /** Requests to this host are the store's; every other host is a third party. */
  storeHost: string;
  fetchStore: StoreFetcher;
  thirdParty: "guarded" | "block";
  requestTimeoutMs: number;
}

/** What the router saw while the page loaded. */
export interface RequestLog {
  requests: PageRequest[];
  /** Requests refused because the page made more than the limit. */
  overLimit: number;
  scriptBodies: string[];
  /** Status and headers of the first document answer (the page itself). */
  document: { status: number; headers: Headers } | null;
  inflight: number;
  lastActivity: number;
}

/**
 * Answers every request of the context from Node: the store's through the store fetcher
 * (its `STORE_ORIGINS` mapping and address guard), other hosts' through the same fetcher
 * when `thirdParty` is `guarded`, else refused. Only GET and HEAD are fetched, so rendering
 * a page never posts anything anywhere. WebSockets are refused. Every request is recorded.
 */
export async function routeRequests(
  context: BrowserContext,
  options: RouterOptions,
): Promise<RequestLog> {
  const log: RequestLog = {
    requests: [],
    overLimit: 0,
    scriptBodies: [],
    document: null,
    inflight: 0,
    lastActivity: Date.now(),
  };
  let scriptChars = 0;
  await context.route("**/*", async (route) => {
    const request = route.request();
    const url = URL.parse(request.url());
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
      return abort(route);
    }
    if (log.requests.length >= MAX_REQUESTS) {
      log.overLimit++;
      return abort(route);
    }
    const entry: PageRequest = {
      url: url.href,
      type: request.resourceType(),
      outcome: "blocked",
      status: null,
    };
    log.requests.push(entry);
    const isStore = url.hostname.toLowerCase() === options.storeHost;
    const method = request.method();
    if ((!isStore && options.thirdParty === "block") || (method !== "GET" && method !== "HEAD")) {
      return abort(route);
    }
    log.inflight++;
    try {
      const { response } = await options.fetchStore(url, {
        method,
        headers: forwardedHeaders(request.headers()),
        signal: AbortSignal.timeout(options.requestTimeoutMs),
      });
      const body = await readBytes(response, MAX_BODY_BYTES);
      entry.outcome = isStore ? "store" : "fetched";
      entry.status = response.status;
      if (entry.type === "document" && !log.document) {
        log.document = { status: response.status, headers: response.headers };
      }
      if (entry.type === "script" && scriptChars < MAX_SCRIPT_TOTAL_CHARS) {
        const text = new TextDecoder().decode(body.subarray(0, MAX_SCRIPT_CHARS));
        scriptChars += text.length;
        log.scriptBodies.push(text);
      }
      await route.fulfill({
        status: response.status,
        headers: fulfilledHeaders(response.headers),
        body: Buffer.from(body),
      });
    } catch (error) {
      entry.outcome =
        error instanceof AppError && error.code === "blocked_address" ? "blocked" : "failed";
      await abort(route, "failed");
    } finally {
      log.inflight--;
      log.lastActivity = Date.now();
    }
  });
  await context.routeWebSocket(/.*/, (socket) => {
    if (log.requests.length < MAX_REQUESTS) {
      log.requests.push({ url: socket.url(), type: "websocket", outcome: "blocked", status: null });
    }
    void socket.close().catch(() => undefined);
  });
  return log;
}

async function abort(route: Route, reason: "blockedbyclient" | "failed" = "blockedbyclient") {
  await route.abort(reason).catch(() => undefined);
}

function forwardedHeaders(headers: Record<string, string>): Headers {
  const forwarded = new Headers();
  for (const name of FORWARDED_HEADERS) {
    const value = headers[name];
    if (value) forwarded.set(name, value);
  }
  return forwarded;
}

function fulfilledHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (!DROPPED_HEADERS.has(name) && name !== "set-cookie") out[name] = value;
  }
  const cookies = headers.getSetCookie();
  // Playwright's convention for several cookies in one header object.
  if (cookies.length > 0) out["set-cookie"] = cookies.join("\n");
  return out;
}

/** The whole body, or an error once it passes `max` bytes. */
async function readBytes(response: Response, max: number): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`response over ${max} bytes`);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}
