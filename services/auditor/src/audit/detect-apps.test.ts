import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { hasRealFixtures, REAL_FIXTURES } from "@shopsniffer/shared/testing/env";
import { detectApps } from "./detect-apps.ts";
import { readPageSources } from "./page-sources.ts";

function appsIn(html: string) {
  return detectApps(readPageSources(html, "https://shop.example.com/"));
}

describe("detectApps", () => {
  test("finds apps by script host, stylesheet and inline globals", () => {
    const apps = appsIn(`<html><head>
      <script src="https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=X"></script>
      <link rel="stylesheet" href="https://cdn.judge.me/widget.css">
      <script>!function(f,b,e,v,n,t,s){}; fbq('init', '123');</script>
      <script src="//www.googletagmanager.com/gtag/js?id=G-1"></script>
    </head></html>`);
    expect(apps.map((a) => a.name)).toEqual([
      "Google Analytics",
      "Judge.me",
      "Klaviyo",
      "Meta Pixel",
    ]);
    expect(apps.find((a) => a.name === "Judge.me")).toEqual({
      name: "Judge.me",
      category: "Reviews",
      evidence: "link href https://cdn.judge.me/widget.css",
    });
    expect(apps.find((a) => a.name === "Meta Pixel")?.evidence).toBe("inline script: fbq('init'");
  });

  test("names unknown ?shop= app scripts from Shopify's asyncLoad list by host", () => {
    const apps = appsIn(`<script>(function() { function asyncLoad() {
      var urls = ["https:\\/\\/apps.example-widget.com\\/w.js?v=2\\u0026shop=x.myshopify.com",
        "https:\\/\\/cdn.rebuyengine.com\\/onsite\\/js\\/rebuy.js?shop=x.myshopify.com",
        "https:\\/\\/cdn.shopify.com\\/extensions\\/01ab\\/bundler\\/b.js?shop=x.myshopify.com"];
    } })();</script>`);
    expect(apps.map((a) => [a.name, a.category])).toEqual([
      ["apps.example-widget.com", "Shopify app"],
      ["bundler", "Shopify app"],
      ["Rebuy", "Upsell"],
    ]);
  });

  test("ignores the store's own theme assets and plain text mentions", () => {
    const apps = appsIn(`<script src="//cdn.shopify.com/s/files/1/t/1/assets/theme.js"></script>
      <p>We love Klaviyo and Yotpo.</p>`);
    expect(apps).toEqual([]);
  });

  test.skipIf(!hasRealFixtures)(
    "finds Klaviyo and Stamped.io on the purecane home page",
    async () => {
      const html = await Bun.file(join(REAL_FIXTURES, "purecane", "index.html")).text();
      const names = appsIn(html).map((a) => a.name);
      expect(names).toContain("Klaviyo");
      expect(names).toContain("Stamped.io");
    },
  );
});
