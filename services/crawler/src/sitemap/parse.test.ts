import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { hasRealFixtures, REAL_FIXTURES } from "@shopsniffer/shared/testing/env";
import { childKind, isHomePage } from "./classify.ts";
import { parseSitemap, type SitemapEntry, SitemapFormatError } from "./parse.ts";

async function collect(source: Parameters<typeof parseSitemap>[0]): Promise<SitemapEntry[]> {
  const entries: SitemapEntry[] = [];
  for await (const entry of parseSitemap(source)) entries.push(entry);
  return entries;
}

function fixtureStream(...path: string[]): ReadableStream<Uint8Array> {
  return Bun.file(join(REAL_FIXTURES, ...path)).stream();
}

const INDEX = `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <!-- comment -->
  <sitemap><loc>https://a.test/sitemap_products_1.xml?from=1&amp;to=9</loc>
    <lastmod>2024-01-01</lastmod></sitemap>
  <sitemap><loc> https://a.test/sitemap_metaobjects_1.xml </loc></sitemap>
  <sitemap><loc><![CDATA[https://a.test/sitemap_pages_1.xml]]></loc></sitemap>
</sitemapindex>`;

const URLSET = `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
  xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc>https://a.test/</loc></url>
  <url><loc>https://a.test/products/salt-&amp;-pepper?x=&lt;1&gt;&#38;y=&#x27;</loc>
    <lastmod>2023-06-02T13:35:43-07:00</lastmod>
    <image:image>
      <image:loc>https://cdn.test/i.jpg</image:loc><image:title>T</image:title>
    </image:image>
  </url>
  <url><loc></loc></url>
</urlset>`;

describe("parseSitemap on inline XML", () => {
  test("an index gives its children with entities, CDATA and whitespace resolved", async () => {
    const entries = await collect(INDEX);
    expect(entries).toEqual([
      {
        type: "sitemap",
        loc: "https://a.test/sitemap_products_1.xml?from=1&to=9",
        lastmod: "2024-01-01",
      },
      { type: "sitemap", loc: "https://a.test/sitemap_metaobjects_1.xml", lastmod: null },
      { type: "sitemap", loc: "https://a.test/sitemap_pages_1.xml", lastmod: null },
    ]);
    expect(entries.map((e) => childKind(e.loc))).toEqual(["product", "other", "page"]);
  });

  test("a urlset gives page URLs only: image:loc and empty locs are not entries", async () => {
    const entries = await collect(URLSET);
    expect(entries).toEqual([
      { type: "url", loc: "https://a.test/", lastmod: null },
      {
        type: "url",
        loc: "https://a.test/products/salt-&-pepper?x=<1>&y='",
        lastmod: "2023-06-02T13:35:43-07:00",
      },
    ]);
    expect(entries.map((e) => isHomePage(e.loc))).toEqual([true, false]);
  });

  test("chunks split anywhere, even inside a multi-byte character, parse the same", async () => {
    const bytes = new TextEncoder().encode(URLSET.replace("salt", "sél"));
    const oneByteChunks = Array.from(bytes, (b) => new Uint8Array([b]));
    const entries = await collect(oneByteChunks);
    expect(entries[1]?.loc).toBe("https://a.test/products/sél-&-pepper?x=<1>&y='");
  });

  test("HTML, JSON and empty bodies are not sitemaps", async () => {
    for (const body of ["<!doctype html><html><body>x</body></html>", '{"a":1}', ""]) {
      await expect(collect(body)).rejects.toBeInstanceOf(SitemapFormatError);
    }
  });
});

describe.skipIf(!hasRealFixtures)("parseSitemap on real Shopify sitemaps", () => {
  test("purecane's index lists 4 children, the product range decoded", async () => {
    const entries = await collect(fixtureStream("purecane", "sitemap.xml"));
    expect(entries.map((e) => e.loc)).toEqual([
      "https://purecane.com/sitemap_products_1.xml?from=4181948924003&to=6922365075555",
      "https://purecane.com/sitemap_pages_1.xml",
      "https://purecane.com/sitemap_collections_1.xml",
      "https://purecane.com/sitemap_blogs_1.xml",
    ]);
    expect(entries.map((e) => childKind(e.loc))).toEqual(["product", "page", "collection", "blog"]);
  });

  test("purecane's children: homepage first in products, then pages and collections", async () => {
    const productUrls = await collect(fixtureStream("purecane", "sitemap_products_1.xml"));
    expect(isHomePage(productUrls[0]?.loc ?? "")).toBe(true);
    // The capture holds 20 products after the homepage (PROVENANCE.md says 37).
    expect(productUrls.filter((e) => !isHomePage(e.loc))).toHaveLength(20);
    expect(productUrls[1]).toEqual({
      type: "url",
      loc: "https://purecane.com/products/purecane-baking-sweetener-48oz",
      lastmod: "2023-06-02T13:35:43-07:00",
    });
    expect(await collect(fixtureStream("purecane", "sitemap_pages_1.xml"))).toHaveLength(24);
    expect(await collect(fixtureStream("purecane", "sitemap_collections_1.xml"))).toHaveLength(11);
    expect(await collect(fixtureStream("purecane", "sitemap_blogs_1.xml"))).toHaveLength(413);
  });

  test("castlefineart's first product sitemap gives 2,500 products and the homepage", async () => {
    const entries = await collect(fixtureStream("castlefineart", "sitemap_products_1.xml"));
    expect(entries).toHaveLength(2_501);
    expect(entries.filter((e) => !isHomePage(e.loc))).toHaveLength(2_500);
    expect(entries.every((e) => e.loc.startsWith("https://www.castlefineart.com/"))).toBe(true);
  });
});
