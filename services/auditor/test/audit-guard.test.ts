/**
 * What the rendered page may reach: the store, third parties only through the address guard
 * (a `STORE_ORIGINS` mapping is the one way to a local address), nothing private, no posts.
 */

import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { createLogger } from "@shopsniffer/shared/log";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { CHROMIUM_PATH, hasChromium } from "@shopsniffer/shared/testing/env";
import { detectApps } from "../src/audit/detect-apps.ts";
import { readPageSources } from "../src/audit/page-sources.ts";
import { renderedPageView } from "../src/audit/page-view.ts";
import { type BrowserHost, createBrowserHost } from "../src/browser/browser-host.ts";
import { renderPage } from "../src/browser/render-page.ts";

setDefaultTimeout(120_000);

const STORE = "guard-shop.test";
const WIDGET = "widgets.thirdparty.test";
const hits = { widget: 0, secret: 0, storePosts: 0 };

/** A local service the page must never reach: it stands for the operator's own network. */
const secret = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: () => {
    hits.secret++;
    return new Response("window.Leaked = true;");
  },
});
const widget = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: () => {
    hits.widget++;
    return new Response("window.GuardWidget = { version: '2.1' };", {
      headers: { "content-type": "text/javascript" },
    });
  },
});
const store = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: (request) => {
    if (request.method !== "GET") hits.storePosts++;
    const html = `<!doctype html><html><head><title>Guard shop</title>
      <script src="https://${WIDGET}/w.js?shop=guard-shop.myshopify.com"></script>
      <script src="http://127.0.0.1:${secret.port}/steal.js"></script>
      <script src="https://nowhere.invalid/x.js"></script>
      <script>navigator.sendBeacon("/beacon", "x");
        fetch("/cart/add.js", { method: "POST", body: "id=1" });</script>
      </head><body><h1>Guard shop</h1></body></html>`;
    return new Response(html, {
      headers: { "content-type": "text/html", "powered-by": "Shopify" },
    });
  },
});

let host: BrowserHost;
const log = createLogger("audit-guard-test", "silent");
beforeAll(() => {
  host = createBrowserHost({ mode: "auto", executablePath: CHROMIUM_PATH, log });
});
afterAll(async () => {
  await host.close();
  for (const server of [secret, widget, store]) server.stop(true);
});

test.skipIf(!hasChromium)(
  "third parties go through the guard; private addresses never",
  async () => {
    const lease = await host.acquire();
    if (!("browser" in lease)) throw new Error(lease.reason);
    const fetchStore = createStoreFetcher({
      origins: new Map([
        [STORE, `http://127.0.0.1:${store.port}`],
        [WIDGET, `http://127.0.0.1:${widget.port}`],
      ]),
      timeoutMs: 5_000,
    });
    const page = await renderPage(lease.browser, {
      url: `https://${STORE}/`,
      fetchStore,
      thirdParty: "guarded",
      timeoutMs: 20_000,
      jsPaths: ["GuardWidget.version", "Leaked"],
    });
    const outcome = (prefix: string) =>
      page.log.requests.find((r) => r.url.startsWith(prefix))?.outcome;
    expect(outcome(`https://${STORE}/`)).toBe("store");
    expect(outcome(`https://${WIDGET}/w.js`)).toBe("fetched");
    expect(outcome(`http://127.0.0.1:${secret.port}/`)).toBe("blocked");
    expect(outcome("https://nowhere.invalid/")).toBe("failed");
    // Posts are recorded but never sent, to the store or anywhere.
    expect(outcome(`https://${STORE}/cart/add.js`)).toBe("blocked");
    expect(hits).toEqual({ widget: 1, secret: 0, storePosts: 0 });
    // The third-party script the guard let through really ran.
    expect(page.globals.get("GuardWidget.version")).toBe("2.1");
    expect(page.globals.has("Leaked")).toBe(false);
    expect(page.screenshot?.byteLength ?? 0).toBeGreaterThan(1_000);
  },
);

test.skipIf(!hasChromium)(
  "a blocking setting refuses every other host, and records it",
  async () => {
    const lease = await host.acquire();
    if (!("browser" in lease)) throw new Error(lease.reason);
    const before = hits.widget;
    const page = await renderPage(lease.browser, {
      url: `https://${STORE}/`,
      fetchStore: createStoreFetcher({
        origins: new Map([
          [STORE, `http://127.0.0.1:${store.port}`],
          [WIDGET, `http://127.0.0.1:${widget.port}`],
        ]),
        timeoutMs: 5_000,
      }),
      thirdParty: "block",
      timeoutMs: 20_000,
      jsPaths: ["GuardWidget.version"],
    });
    expect(page.log.requests.find((r) => r.url.includes(WIDGET))?.outcome).toBe("blocked");
    expect(hits.widget).toBe(before);
    expect(page.globals.has("GuardWidget.version")).toBe(false);
    expect(host.launches()).toBe(1);
  },
);

test.skipIf(!hasChromium)(
  "a rendered look-alike without Shopify's headers gets no Shopify apps",
  async () => {
    const lease = await host.acquire();
    if (!("browser" in lease)) throw new Error(lease.reason);
    const copied = `<!doctype html><html><head><title>Copied shop</title>
    <script>var Shopify = Shopify || {}; Shopify.shop = "copied.myshopify.com";</script>
    <script src="https://cdn.shopify.com/extensions/01f/size-chart-2.0.1/assets/s.js"></script>
    </head><body><h1>Copied</h1></body></html>`;
    const audit = async (headers: Record<string, string>) => {
      const site = Bun.serve({
        port: 0,
        hostname: "127.0.0.1",
        fetch: () => new Response(copied, { headers: { "content-type": "text/html", ...headers } }),
      });
      try {
        const fetchStore = createStoreFetcher({
          origins: new Map([["copied.test", `http://127.0.0.1:${site.port}`]]),
          timeoutMs: 5_000,
        });
        const page = await renderPage(lease.browser, {
          url: "https://copied.test/",
          fetchStore,
          thirdParty: "block",
          timeoutMs: 20_000,
          jsPaths: [],
        });
        const view = renderedPageView({
          url: page.url,
          html: page.html,
          headers: page.document.headers,
          sources: readPageSources(page.html, page.url),
          requests: page.log.requests,
          scriptBodies: page.log.scriptBodies,
          globals: page.globals,
          cookies: page.cookies,
        });
        return await detectApps(view, "copied.test");
      } finally {
        site.stop(true);
      }
    };
    const lookAlike = await audit({ server: "nginx" });
    expect(lookAlike.shopifySignals).toEqual([]);
    expect(lookAlike.withheld).toEqual(["size-chart"]);
    expect(lookAlike.apps.map((a) => a.name)).not.toContain("size-chart");
    const real = await audit({ "powered-by": "Shopify" });
    expect(real.shopifySignals).toEqual(["header:powered-by"]);
    expect(real.apps.find((a) => a.name === "size-chart")?.version).toBe("2.0.1");
  },
);
