import type { StoreFetcher } from "@shopsniffer/shared/store/fetch";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { readDomProperties, readGlobalPaths, readShopifyObject } from "./page-probe.ts";
import { type RequestLog, routeRequests } from "./request-router.ts";

export const VIEWPORT = { width: 1280, height: 800 };
/** After `load`, how long the page may keep fetching before it is read. */
const SETTLE_MAX_MS = 3_000;
/** The network counts as quiet after this long without a request finishing. */
const QUIET_MS = 500;
/** Budget of each step after loading: reading globals, the DOM, the screenshot. */
const STEP_TIMEOUT_MS = 10_000;

export interface RenderOptions {
  url: string;
  fetchStore: StoreFetcher;
  thirdParty: "guarded" | "block";
  /** Until the `load` event; past it the page is read as it stands. */
  timeoutMs: number;
  /** Global paths the fingerprints look for. */
  jsPaths: string[];
  /** Element properties the fingerprints look for, by selector; none when left out. */
  domProperties?: Array<{ selector: string; properties: string[] }>;
  /** Budget of each read after loading (globals, DOM, screenshot); 10 s when left out. */
  stepTimeoutMs?: number;
  /** When it fires the context is closed at once and the render rejects with its reason. */
  signal?: AbortSignal;
}

/** The home page as Chromium rendered it. */
export interface RenderedPage {
  url: string;
  /** The DOM after scripts ran, serialised. */
  html: string;
  document: { status: number; headers: Headers };
  log: RequestLog;
  globals: Map<string, string>;
  /** Selector to property to value, as `readDomProperties` reads them. */
  domProperties: Map<string, Map<string, string>>;
  /** `window.Shopify`'s facts, or null. */
  shopify: Record<string, unknown> | null;
  cookies: Array<{ name: string; value: string }>;
  screenshot: Uint8Array | null;
  /** True when `load` did not fire in time and the page was read as it stood. */
  loadTimedOut: boolean;
  timings: { load_ms: number; total_ms: number };
}

/**
 * Renders `url` in a fresh context of the shared browser (no service workers, nothing kept
 * between audits), every request answered by the router. Throws when the page itself could
 * not be loaded or a read of it outran its budget (the page is closed then); the caller then
 * reads the static HTML instead. `signal` closes the context and rejects with its reason.
 */
export async function renderPage(browser: Browser, options: RenderOptions): Promise<RenderedPage> {
  options.signal?.throwIfAborted();
  const context = await browser.newContext({
    viewport: VIEWPORT,
    serviceWorkers: "block",
    acceptDownloads: false,
  });
  // One close, awaited by both: Playwright returns at once from a second `close()` call.
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= context.close().catch(() => undefined);
    return closing;
  };
  options.signal?.addEventListener("abort", close, { once: true });
  try {
    return await renderIn(context, options);
  } catch (error) {
    throw options.signal?.aborted ? options.signal.reason : error;
  } finally {
    options.signal?.removeEventListener("abort", close);
    await close();
  }
}

async function renderIn(context: BrowserContext, options: RenderOptions): Promise<RenderedPage> {
  const started = performance.now();
  const stepMs = options.stepTimeoutMs ?? STEP_TIMEOUT_MS;
  const log = await routeRequests(context, {
    storeHost: new URL(options.url).hostname.toLowerCase(),
    fetchStore: options.fetchStore,
    thirdParty: options.thirdParty,
    requestTimeoutMs: Math.min(options.timeoutMs, 15_000),
  });
  const page = await context.newPage();
  page.setDefaultTimeout(stepMs);
  const loadTimedOut = await load(page, options);
  const loadMs = Math.round(performance.now() - started);
  if (!log.document) throw new Error("the page itself did not load");
  await settle(log);
  const read = <T>(what: string, work: Promise<T>) => inTime(page, what, work, stepMs);
  const globals = await read("globals", page.evaluate(readGlobalPaths, options.jsPaths));
  const shopify = await read("window.Shopify", page.evaluate(readShopifyObject));
  const domProperties = await read("DOM", readProperties(page, options.domProperties ?? []));
  const html = await read("HTML", page.content());
  const screenshot = await page
    .screenshot({ type: "png", timeout: stepMs })
    .then((png) => new Uint8Array(png))
    .catch(() => null);
  const cookies = (await context.cookies()).map((c) => ({ name: c.name, value: c.value }));
  return {
    url: page.url(),
    html,
    document: log.document,
    log,
    globals: new Map(Object.entries(globals)),
    domProperties,
    shopify,
    cookies,
    screenshot,
    loadTimedOut,
    timings: { load_ms: loadMs, total_ms: Math.round(performance.now() - started) },
  };
}

/**
 * `work` (a read inside the page) within `timeoutMs`, else the page is closed and an error
 * names the read: `page.evaluate` has no time-out of its own, and a page whose getter loops
 * would keep it waiting for ever.
 */
async function inTime<T>(page: Page, what: string, work: Promise<T>, timeoutMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`reading ${what} took over ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, late]);
  } catch (error) {
    work.catch(() => undefined);
    await page.close().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Navigates and waits for `load`; true when it timed out (the page is read anyway). */
async function load(page: Page, options: RenderOptions): Promise<boolean> {
  try {
    await page.goto(options.url, { waitUntil: "load", timeout: options.timeoutMs });
    return false;
  } catch (error) {
    if (error instanceof Error && error.name === "TimeoutError") return true;
    throw error;
  }
}

/** Reads the fingerprints' element properties inside the page, as nested maps. */
async function readProperties(
  page: Page,
  queries: Array<{ selector: string; properties: string[] }>,
): Promise<Map<string, Map<string, string>>> {
  if (queries.length === 0) return new Map();
  const read = await page.evaluate(readDomProperties, queries);
  return new Map(
    Object.entries(read).map(([selector, values]) => [selector, new Map(Object.entries(values))]),
  );
}

/** Waits until no request is in flight for a moment, or `SETTLE_MAX_MS` passed. */
async function settle(log: RequestLog): Promise<void> {
  const deadline = Date.now() + SETTLE_MAX_MS;
  while (Date.now() < deadline) {
    if (log.inflight === 0 && Date.now() - log.lastActivity >= QUIET_MS) return;
    await Bun.sleep(100);
  }
}
