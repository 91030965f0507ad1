import { expect, test } from "bun:test";
import { readShopifyGlobals } from "./globals.ts";

test("reads the theme, shop, currency, locale and country globals", () => {
  const html = `<script>var Shopify = Shopify || {};
Shopify.shop = "maison.myshopify.com";
Shopify.locale = "fr";
Shopify.currency = {"active":"EUR","rate":"1.0"};
Shopify.country = "FR";
Shopify.theme = {"name":"6\\/1 Cont","id":121738854499,"schema_name":null,"theme_store_id":null,"role":"main"};
</script>`;
  expect(readShopifyGlobals(html)).toEqual({
    shop: "maison.myshopify.com",
    locale: "fr",
    country: "FR",
    currency: "EUR",
    theme: {
      name: "6/1 Cont",
      id: 121738854499,
      schema_name: null,
      theme_store_id: null,
      role: "main",
    },
  });
});

test("missing or broken globals are left out", () => {
  expect(readShopifyGlobals("<script>Shopify.theme = {broken;</script>")).toEqual({});
});
