import { expect, test } from "bun:test";
import { shopifySignals } from "./inspect.ts";

test("Shopify's headers and globals count as signals", () => {
  const headers = new Headers({ "x-shopid": "1", "powered-by": "Shopify" });
  const html = `<script>Shopify.shop = "x.myshopify.com"; Shopify.theme = {"name":"Dawn"};</script>
    <link href="//x.example/cdn/shop/t/1/assets/base.css">`;
  expect(shopifySignals(headers, html)).toEqual([
    "header:x-shopid",
    "header:powered-by",
    "html:Shopify.shop",
    "html:Shopify.theme",
    "asset:/cdn/shop/",
  ]);
});

test("the stage header, _shopify_ cookies and cdn.shopify.com assets count too", () => {
  const headers = new Headers({
    "x-shopify-stage": "production",
    "set-cookie": "_shopify_y=abc; path=/",
  });
  const html = '<img src="//cdn.shopify.com/s/files/1/0001/files/a.png">';
  expect(shopifySignals(headers, html)).toEqual([
    "header:x-shopify-stage",
    "cookie:_shopify",
    "asset:cdn.shopify.com",
  ]);
});

test("a page that only talks about Shopify is not a Shopify store", () => {
  const html = "<p>We moved from Shopify. Shopify.shop is a global; see cdn.shopify.com docs.</p>";
  expect(shopifySignals(new Headers({ server: "nginx" }), html)).toEqual([]);
});
