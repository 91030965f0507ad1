/**
 * A render ends when its stage attempt is abandoned or a read of the page outruns its budget:
 * the browser context is closed, so no page outlives the attempt.
 */

import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { AppError } from "@shopsniffer/shared/errors";
import { createLogger } from "@shopsniffer/shared/log";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { CHROMIUM_PATH, hasChromium } from "@shopsniffer/shared/testing/env";
import type { Browser } from "playwright-core";
import { type BrowserHost, createBrowserHost } from "../src/browser/browser-host.ts";
import { type RenderOptions, renderPage } from "../src/browser/render-page.ts";

setDefaultTimeout(60_000);

const STORE = "abort-shop.test";
const HTML = { "content-type": "text/html", "powered-by": "Shopify" };

const pages: Record<string, string> = {
  // The image never finishes, so `load` never fires.
  "/never-loads": `<!doctype html><html><body><img src="/stalled.png"></body></html>`,
  // Reading `window.hang` never returns.
  "/looping-getter": `<!doctype html><html><body><script>
    Object.defineProperty(window, "hang", { get() { for (;;) {} } });</script></body></html>`,
  "/plain": `<!doctype html><html><head><title>Plain</title></head><body>ok</body></html>`,
};

const store = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(request) {
    const path = new URL(request.url).pathname;
    const html = pages[path];
    if (html) return new Response(html, { headers: HTML });
    // Headers at once, then a body that never ends.
    return new Response(new ReadableStream({ start() {} }), {
      headers: { "content-type": "image/png" },
    });
  },
});
let host: BrowserHost;
let browser: Browser;

beforeAll(async () => {
  const log = createLogger("render-abort-test", "silent");
  host = createBrowserHost({ mode: "auto", executablePath: CHROMIUM_PATH, log });
  if (!hasChromium) return;
  const lease = await host.acquire();
  if (!("browser" in lease)) throw new Error(lease.reason);
  browser = lease.browser;
});
afterAll(async () => {
  await host.close();
  store.stop(true);
});

function options(path: string, extra: Partial<RenderOptions> = {}): RenderOptions {
  const fetchStore = createStoreFetcher({
    origins: new Map([[STORE, `http://127.0.0.1:${store.port}`]]),
    timeoutMs: 20_000,
  });
  return {
    url: `https://${STORE}${path}`,
    fetchStore,
    thirdParty: "block",
    timeoutMs: 20_000,
    jsPaths: [],
    ...extra,
  };
}

/** How the render ended and how long it took, in ms. */
async function timed(render: Promise<unknown>) {
  const started = performance.now();
  const error = await render.then(
    () => null,
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - started };
}

test.skipIf(!hasChromium)("an abort closes a page that never finishes loading", async () => {
  const attempt = new AbortController();
  const reason = new AppError("internal", "audit stage did not finish within its deadline", true);
  setTimeout(() => attempt.abort(reason), 500);
  const { error, ms } = await timed(
    renderPage(browser, options("/never-loads", { signal: attempt.signal })),
  );
  expect(error).toBe(reason);
  // Loading alone could take 20 s here; the abort ends it at once.
  expect(ms).toBeLessThan(5_000);
  expect(browser.contexts()).toHaveLength(0);
});

test.skipIf(!hasChromium)("a read that outruns its budget closes the page", async () => {
  const { error, ms } = await timed(
    renderPage(browser, options("/looping-getter", { jsPaths: ["hang"], stepTimeoutMs: 1_000 })),
  );
  expect(String(error)).toContain("reading globals took over 1000 ms");
  expect(ms).toBeLessThan(8_000);
  expect(browser.contexts()).toHaveLength(0);
  // The browser itself is unharmed: the next render works.
  const next = await renderPage(browser, options("/plain"));
  expect(next.html).toContain("<title>Plain</title>");
});

test.skipIf(!hasChromium)("a signal that already fired renders nothing", async () => {
  const attempt = new AbortController();
  attempt.abort(new Error("gone"));
  const { error } = await timed(renderPage(browser, options("/plain", { signal: attempt.signal })));
  expect(String(error)).toContain("gone");
  expect(browser.contexts()).toHaveLength(0);
});
