import { expect, test } from "bun:test";
import { readPageSources } from "./page-sources.ts";

test("reads the page title, skipping SVG icon titles, and resolves asset URLs", () => {
  const sources = readPageSources(
    `<html><head><link rel="alternate" hreflang="x-default" href="/">
      <link rel="alternate" hreflang="en-US" href="/">
      <link rel="alternate" hreflang="fr" href="/fr">
      </head><body><svg><title>Visa</title></svg><title> Café  &amp; Co </title>
      <script src="/cdn/shop/t/1/assets/a.js"></script><script src="javascript:void(0)"></script>
      <link href="//fonts.example.com/f.css" rel="stylesheet">
      <meta property="og:site_name" content="  ">
      <script>var x = 1;</script></body></html>`,
    "https://shop.example.com/",
  );
  expect(sources).toEqual({
    scriptSrcs: ["https://shop.example.com/cdn/shop/t/1/assets/a.js"],
    linkHrefs: [
      "https://shop.example.com/",
      "https://shop.example.com/",
      "https://shop.example.com/fr",
      "https://fonts.example.com/f.css",
    ],
    inlineScripts: ["var x = 1;"],
    title: "Café & Co",
    ogSiteName: null,
    hreflangs: ["en-US", "fr"],
  });
});
