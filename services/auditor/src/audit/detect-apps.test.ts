import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { detectApps } from "./detect-apps.ts";
import { readPageSources } from "./page-sources.ts";
import { staticPageView } from "./page-view.ts";

// The fingerprint data set takes a second or two to compile on a busy machine.
setDefaultTimeout(60_000);

const HOST = "shop.example.com";
const SHOPIFY_HEADERS = { "powered-by": "Shopify", "x-shopid": "42" };

function appsIn(html: string, headers: Record<string, string> = SHOPIFY_HEADERS) {
  const url = `https://${HOST}/`;
  const view = staticPageView(html, url, new Headers(headers), readPageSources(html, url));
  return detectApps(view, HOST);
}

/** A page any Shopify storefront could serve, with a few apps. */
const STOREFRONT = `<html><head>
  <script>var Shopify = Shopify || {}; Shopify.shop = "x.myshopify.com";</script>
  <script src="//cdn.shopify.com/s/files/1/0001/t/1/assets/theme.js"></script>
  <script src="https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=X"></script>
  <script src="https://code.jquery.com/jquery-3.6.4.min.js"></script>
  <script>(function() { function asyncLoad() {
    var urls = ["https:\\/\\/apps.example-widget.com\\/w.js?v=2\\u0026shop=x.myshopify.com"];
  } })();</script>
  <link rel="stylesheet"
    href="https://cdn.shopify.com/extensions/019a2b/bundle-builder-1.4.2/assets/app.css">
</head><body><p>We love Yotpo.</p></body></html>`;

describe("detectApps", () => {
  test("names data-set apps with categories, versions and the evidence that matched", async () => {
    const report = await appsIn(STOREFRONT);
    const klaviyo = report.apps.find((a) => a.name === "Klaviyo");
    expect(klaviyo).toEqual({
      name: "Klaviyo",
      categories: ["Marketing automation"],
      version: null,
      confidence: 100,
      evidence: [
        {
          kind: "script_src",
          value: "https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=X",
        },
      ],
    });
    const jquery = report.technologies.find((t) => t.name === "jQuery");
    expect(jquery?.version).toBe("3.6.4");
    expect(jquery?.categories).toEqual(["JavaScript libraries"]);
    expect(report.technologies.map((t) => t.name)).toContain("Shopify");
    // Text mentions and the store's own theme assets are not apps.
    expect(report.apps.map((a) => a.name)).not.toContain("Yotpo");
  });

  test("reads Shopify's app traces: ?shop= scripts and theme app extensions", async () => {
    const report = await appsIn(STOREFRONT);
    expect(report.apps.find((a) => a.name === "apps.example-widget.com")).toEqual({
      name: "apps.example-widget.com",
      categories: ["Shopify apps"],
      version: null,
      confidence: 100,
      evidence: [
        {
          kind: "shop_param",
          value: "https://apps.example-widget.com/w.js?v=2&shop=x.myshopify.com",
          detail: "shop=x.myshopify.com",
        },
      ],
    });
    const extension = report.apps.find((a) => a.name === "bundle-builder");
    expect(extension?.version).toBe("1.4.2");
    expect(extension?.evidence[0]?.kind).toBe("app_extension");
    expect(report.shopifySignals).toEqual(["header:x-shopid", "header:powered-by"]);
    expect(report.withheld).toEqual([]);
  });

  test("a look-alike copying Shopify's markup gets no Shopify-only apps", async () => {
    const report = await appsIn(STOREFRONT, { server: "nginx" });
    const names = report.apps.map((a) => a.name);
    expect(report.shopifySignals).toEqual([]);
    expect(report.withheld).toEqual(["apps.example-widget.com", "bundle-builder"]);
    expect(names).not.toContain("bundle-builder");
    // Apps that exist on any platform are still reported.
    expect(names).toContain("Klaviyo");
  });

  test("data-set apps that require Shopify count only with the server's proof", async () => {
    // The data set's "Shopify apps" category (e.g. Froonze) requires Shopify.
    const page = `<script src="https://cdn.shopify.com/s/files/1/1/t/1/assets/a.js"></script>
      <script src="https://cdn.shopify.com/extensions/0a1/froonze-loyalty-wishlist-3/assets/f.js">
      </script>`;
    const real = await appsIn(page);
    expect(real.apps.map((a) => a.name)).toContain("Froonze");
    const froonze = real.apps.find((a) => a.name === "Froonze");
    expect(froonze?.evidence.map((e) => e.kind)).toEqual(["script_src", "app_extension"]);
    const lookAlike = await appsIn(page, {});
    expect(lookAlike.apps.map((a) => a.name)).not.toContain("Froonze");
    expect(lookAlike.withheld).toContain("Froonze");
  });

  test("static mode counts globals an inline script assigns, not ones it only reads", async () => {
    const report = await appsIn(`<script>window._klOnsite = window._klOnsite || [];
      window.klaviyo = window.klaviyo || [];</script><script>if (window.StampedFn) {}</script>`);
    const klaviyo = report.apps.find((a) => a.name === "Klaviyo");
    expect(klaviyo?.evidence).toEqual([
      { kind: "js", value: "klaviyo", detail: "assigned by an inline script" },
    ]);
    expect(report.apps.map((a) => a.name)).not.toContain("Stamped");
  });
  test("data-set DOM rules with combinators detect apps; a near miss does not", async () => {
    // Shop Pay's rule `ul[data-shopify-buttoncontainer] li` with the text "ShopPay", which
    // here only the second item has.
    const buttons = (list: string) => `<ul ${list}><li><button>Pay</button></li>
      <li><div role="button">ShopPay</div></li></ul>`;
    const names = async (html: string) => {
      const report = await appsIn(html);
      return [...report.apps, ...report.technologies].map((d) => d.name);
    };
    const shopPay = await appsIn(buttons("data-shopify-buttoncontainer"));
    const all = [...shopPay.apps, ...shopPay.technologies];
    expect(all.find((d) => d.name === "Shop Pay")?.evidence).toEqual([
      { kind: "dom", value: "ul[data-shopify-buttoncontainer] li" },
    ]);
    expect(await names(buttons("data-shopify-other"))).not.toContain("Shop Pay");
    expect(await names(`<ul data-shopify-buttoncontainer></ul><li>ShopPay</li>`)).not.toContain(
      "Shop Pay",
    );
  });

  test("a DOM rule's confidence tag sets the confidence of its match", async () => {
    // The rule ends in `\;confidence:40`; the technology requires ASP.NET.
    const form = `<form name="formLogin" action="Login.aspx" id="formLogin"></form>`;
    const report = await appsIn(form, { "x-aspnet-version": "4.0.30319" });
    const ftp = [...report.apps, ...report.technologies].find((d) => d.name === "Progress WS_FTP");
    expect(ftp?.confidence).toBe(40);
  });
});
