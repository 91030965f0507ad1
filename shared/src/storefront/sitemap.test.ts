import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateDemoStore } from "./demo-store.ts";
import { type RunningStorefront, startStorefront } from "./server.ts";

const store = generateDemoStore({ productCount: 35 });
const base = `https://${store.shop.domain}`;
let shop: RunningStorefront;

beforeAll(async () => {
  shop = await startStorefront({ store }, { sitemapChunkSize: 10 });
});
afterAll(async () => {
  await shop.stop();
});

async function get(pathAndQuery: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${shop.origin}${pathAndQuery}`);
  return { status: response.status, text: await response.text() };
}

/** `<loc>` values with `&amp;` unescaped, as an XML parser would read them. */
function locs(xml: string): string[] {
  return [...xml.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => (m[1] ?? "").replace(/&amp;/g, "&"));
}

describe("sitemaps", () => {
  test("the index lists ranged product children on the public domain", async () => {
    const { status, text } = await get("/sitemap.xml");
    expect(status).toBe(200);
    expect(text).toContain('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    expect(text).toMatch(/sitemap_products_1\.xml\?from=\d+&amp;to=\d+<\/loc>/);
    const children = locs(text);
    expect(children.filter((loc) => loc.includes("sitemap_products_"))).toHaveLength(4);
    expect(children.slice(-3)).toEqual([
      `${base}/sitemap_pages_1.xml`,
      `${base}/sitemap_collections_1.xml`,
      `${base}/sitemap_blogs_1.xml`,
    ]);
    expect(children.every((loc) => loc.startsWith(`${base}/`))).toBe(true);
  });

  test("a product child without its from/to range answers 400", async () => {
    expect((await get("/sitemap_products_1.xml")).status).toBe(400);
    expect((await get("/sitemap_products_1.xml?from=1")).status).toBe(400);
  });

  test("the ranged children list every product once, after the homepage", async () => {
    const index = locs((await get("/sitemap.xml")).text);
    const seen: string[] = [];
    for (const child of index.filter((loc) => loc.includes("sitemap_products_"))) {
      const { status, text } = await get(child.slice(base.length));
      expect(status).toBe(200);
      expect(text).toContain('xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"');
      const urls = locs(text).filter((loc) => !loc.startsWith("https://cdn.shopify.com/"));
      expect(urls[0]).toBe(`${base}/`);
      seen.push(...urls.slice(1));
    }
    expect(seen).toEqual(store.products.map((product) => `${base}/products/${product.handle}`));
  });

  test("product entries carry lastmod, changefreq and an escaped image title", async () => {
    const index = locs((await get("/sitemap.xml")).text);
    const first = index[0] ?? "";
    const { text } = await get(first.slice(base.length));
    expect(text).toContain("<changefreq>daily</changefreq>");
    expect(text).toMatch(/<lastmod>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+01:00<\/lastmod>/);
    expect(text).toContain("<image:title>Salt &amp; Pepper Tee &lt;Limited&gt;</image:title>");
    expect(text).not.toContain("Salt & Pepper");
  });

  test("pages, collections and blogs children are served as XML", async () => {
    const pages = await get("/sitemap_pages_1.xml");
    expect(locs(pages.text)).toContain(`${base}/pages/a-propos`);
    const collections = await get("/sitemap_collections_1.xml");
    expect(locs(collections.text)).toContain(`${base}/collections/cafe-the`);
    const blogs = await fetch(`${shop.origin}/sitemap_blogs_1.xml`);
    expect(blogs.headers.get("content-type")).toBe("application/xml; charset=utf-8");
  });
});
