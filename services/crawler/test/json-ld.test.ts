import { afterEach, describe, expect, test, setDefaultTimeout } from "bun:test";
import { products } from "@shopsniffer/shared/db/schema";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { startStorefront } from "@shopsniffer/shared/storefront/server";
import { eq } from "drizzle-orm";
import { fromProductPage } from "../src/indexing/product-json-ld.ts";
import { runIndexingStage } from "../src/indexing/stage.ts";
import { runSitemapStage } from "../src/sitemap/stage.ts";
import { type Harness, startHarness } from "./harness.ts";
import { stepRecord } from "./rows.ts";

// Whole crawls: a loaded machine (CI, shared cores) takes far longer than the default 5 s.
setDefaultTimeout(60_000);

const DOMAIN = "demo.shopsniffer.test";
let h: Harness | undefined;

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A ProductGroup the way Shopify's `structured_data` filter writes one, ids as strings. */
const GROUP_PAGE = `<html><head>
<script type="application/ld+json">{"@context":"http://schema.org","@type":"BreadcrumbList"}</script>
<script type="application/ld+json">
{"@context":"http://schema.org/","@type":"ProductGroup","productGroupID":"7412345678901",
 "name":"Thé vert \\"Sencha\\", 100 g","description":"Line one\\nline two",
 "brand":{"@type":"Brand","name":"Maison"},"image":[{"url":"//cdn.test/a.jpg"}],
 "hasVariant":[
  {"@type":"Product","sku":"S-1","name":"Sencha - 50 g","offers":{"@type":"Offer",
   "price":"12.50","priceCurrency":"EUR","availability":"http://schema.org/InStock",
   "url":"https://shop.test/products/sencha?variant=4211"}},
  {"@type":"Product","sku":"S-2","name":"Sencha - 100 g","offers":{"@type":"Offer",
   "price":19.9,"availability":"https://schema.org/OutOfStock",
   "url":"https://shop.test/products/sencha?variant=4212"}}]}
</script></head><body></body></html>`;

describe("a product page's JSON-LD", () => {
  test("a ProductGroup gives id, texts, one variant per offer, exact prices", () => {
    const item = fromProductPage(GROUP_PAGE, "sencha");
    expect(item).toMatchObject({
      id: 7_412_345_678_901,
      handle: "sencha",
      title: 'Thé vert "Sencha", 100 g',
      body_html: "Line one\nline two",
      vendor: "Maison",
      images: [{ src: "https://cdn.test/a.jpg", position: 1 }],
    });
    expect(item?.variants).toMatchObject([
      { id: 4211, sku: "S-1", price: "12.50", available: true, title: "Sencha - 50 g" },
      { id: 4212, sku: "S-2", price: "19.9", available: false },
    ]);
  });

  test("no Product node, or no numeric id anywhere, gives no product", () => {
    expect(fromProductPage("<html><body>hello</body></html>", "x")).toBeNull();
    const noId = GROUP_PAGE.replace('"productGroupID":"7412345678901",', "");
    expect(fromProductPage(noId, "sencha")).toBeNull();
    expect(fromProductPage('<script type="application/ld+json">{oops</script>', "x")).toBeNull();
  });

  test("a storefront product page: id and variant ids from var meta, offers in order", async () => {
    const store = generateDemoStore({ productCount: 12, seed: 3 });
    const product = store.products[7];
    if (!product) throw new Error("demo store too small");
    const front = await startStorefront({ store });
    try {
      const html = await (await fetch(`${front.origin}/products/${product.handle}`)).text();
      const item = fromProductPage(html, product.handle);
      expect(item?.id).toBe(product.id);
      expect(item?.title).toBe(product.title);
      const variants = item?.variants as Record<string, unknown>[];
      expect(variants.map((v) => [v.id, v.price, v.available])).toEqual(
        product.variants.map((v) => [v.id, v.price, v.available]),
      );
    } finally {
      await front.stop();
    }
  });
});

describe("the JSON-LD fallback in a crawl", () => {
  test("products served only as their page are stored from JSON-LD, none missing", async () => {
    const store = generateDemoStore({ productCount: 80, seed: 9 });
    const pageOnly = [store.products[20]?.handle ?? "", store.products[61]?.handle ?? ""];
    h = await startHarness({ store }, DOMAIN, { catalog: { pageOnly } });
    const jobId = await h.createJob();
    await runSitemapStage(h.deps, await h.stageRun(jobId, "sitemap"));
    await runIndexingStage(h.deps, await h.stageRun(jobId, "indexing"));

    const rows = await h.deps.svc.db.db.select().from(products).where(eq(products.jobId, jobId));
    expect(rows).toHaveLength(80);
    const fromPages = rows.filter((row) => row.source === "json_ld").map((row) => row.handle);
    expect(fromPages.sort()).toEqual([...pageOnly].sort());
    const detail = (await stepRecord(h.deps.svc.db, jobId, "indexing-products"))?.detail;
    expect(detail?.outcome).toBe("complete");
    expect(detail?.coverage).toMatchObject({
      from_sitemap_fetches: 2,
      from_json_ld: 2,
      missing_count: 0,
    });
  });
});
