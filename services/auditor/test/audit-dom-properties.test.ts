/**
 * The fingerprint rules that test DOM properties (React's `_reactRootContainer` on
 * `body > div`, Preact's `__k`) are judged in the rendered page, where the properties exist.
 */

import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { createLogger } from "@shopsniffer/shared/log";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { CHROMIUM_PATH, hasChromium } from "@shopsniffer/shared/testing/env";
import { detectApps } from "../src/audit/detect-apps.ts";
import { readPageSources } from "../src/audit/page-sources.ts";
import { renderedPageView, staticPageView } from "../src/audit/page-view.ts";
import { technologyData } from "../src/audit/tech-data.ts";
import { type BrowserHost, createBrowserHost } from "../src/browser/browser-host.ts";
import { renderPage } from "../src/browser/render-page.ts";

setDefaultTimeout(120_000);

const STORE = "props-shop.test";
const HEADERS = { "content-type": "text/html", "powered-by": "Shopify" };

/** A page whose script sets `property` on the element `target` picks. */
function page(body: string, target: string, property: string): string {
  return `<!doctype html><html><head><title>Props</title></head><body>${body}
    <script>document.querySelector(${JSON.stringify(target)})[${JSON.stringify(property)}] =
      { current: null };</script></body></html>`;
}

let html = "";
const store = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: () => new Response(html, { headers: HEADERS }),
});
let host: BrowserHost;
beforeAll(() => {
  const log = createLogger("audit-dom-properties-test", "silent");
  host = createBrowserHost({ mode: "auto", executablePath: CHROMIUM_PATH, log });
});
afterAll(async () => {
  await host.close();
  store.stop(true);
});

/** Renders `served` and detects; every detection by name, apps and technologies alike. */
async function rendered(served: string) {
  html = served;
  const lease = await host.acquire();
  if (!("browser" in lease)) throw new Error(lease.reason);
  const fetchStore = createStoreFetcher({
    origins: new Map([[STORE, `http://127.0.0.1:${store.port}`]]),
    timeoutMs: 5_000,
  });
  const data = technologyData();
  const rendered = await renderPage(lease.browser, {
    url: `https://${STORE}/`,
    fetchStore,
    thirdParty: "block",
    timeoutMs: 20_000,
    jsPaths: [],
    domProperties: data.domProperties,
  });
  const view = renderedPageView({
    url: rendered.url,
    html: rendered.html,
    headers: rendered.document.headers,
    sources: readPageSources(rendered.html, rendered.url),
    requests: rendered.log.requests,
    scriptBodies: rendered.log.scriptBodies,
    globals: rendered.globals,
    domProperties: rendered.domProperties,
    cookies: rendered.cookies,
  });
  const report = await detectApps(view, STORE, data);
  return new Map([...report.apps, ...report.technologies].map((d) => [d.name, d]));
}

test.skipIf(!hasChromium)("a property on the selected element detects the app", async () => {
  const react = page(`<div id="root"><p>Hi</p></div>`, "#root", "_reactRootContainer");
  const found = await rendered(react);
  expect(found.get("React")?.evidence).toEqual([
    { kind: "dom", value: "body > div", detail: "property _reactRootContainer" },
  ]);
  const preact = page(`<main><section><p id="x"></p></section></main>`, "#x", "__k");
  expect((await rendered(preact)).get("Preact")?.evidence[0]?.detail).toBe("property __k");
});

test.skipIf(!hasChromium)(
  "the property on an element the selector does not select, or a static copy, detects nothing",
  async () => {
    const nested = page(`<div><p><span id="x"></span></p></div>`, "#x", "_reactRootContainer");
    expect((await rendered(nested)).has("React")).toBe(false);
    const plain = page(`<div id="root"></div>`, "#root", "_reactRootContainer");
    const url = `https://${STORE}/`;
    const view = staticPageView(plain, url, new Headers(HEADERS), readPageSources(plain, url));
    const report = await detectApps(view, STORE);
    expect(report.technologies.map((t) => t.name)).not.toContain("React");
  },
);
