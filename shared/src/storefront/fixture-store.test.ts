import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadFixtureStore, resolveFixtureFile } from "./fixture-store.ts";
import { type RunningStorefront, startStorefront } from "./server.ts";

/** The captured real storefront files live beside the repository, at ../shared/fixtures/real. */
const REAL = fileURLToPath(new URL("../../../../shared/fixtures/real/", import.meta.url));
const PURECANE = resolve(REAL, "purecane");
const MYLUBIE_PRODUCTS = `${REAL}mylubie/products-array.json`;
const missing = !existsSync(PURECANE) || !existsSync(MYLUBIE_PRODUCTS);
if (missing) console.warn(`fixture-store tests skipped: real fixtures not found under ${REAL}`);

let shop: RunningStorefront;

describe.skipIf(missing)("fixture storefront (purecane files + mylubie products)", () => {
  beforeAll(async () => {
    const fixture = loadFixtureStore({ roots: [PURECANE], productsArrayFile: MYLUBIE_PRODUCTS });
    shop = await startStorefront({ fixture });
  });
  afterAll(async () => {
    await shop.stop();
  });

  test("serves the real sitemap index byte for byte", async () => {
    const response = await fetch(`${shop.origin}/sitemap.xml`);
    expect(response.headers.get("content-type")).toBe("application/xml; charset=utf-8");
    const served = new Uint8Array(await response.arrayBuffer());
    expect(served).toEqual(new Uint8Array(readFileSync(`${PURECANE}/sitemap.xml`)));
  });

  test("serves a ranged product child from its file, ignoring the query", async () => {
    const path = "/sitemap_products_1.xml?from=4181948924003&to=6922365075555";
    const text = await (await fetch(`${shop.origin}${path}`)).text();
    expect(text).toBe(readFileSync(`${PURECANE}/sitemap_products_1.xml`, "utf8"));
  });

  test("maps pages to captured index.html files and sends the shop id", async () => {
    const home = await fetch(`${shop.origin}/`);
    expect(home.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(home.headers.get("x-shopid")).toBe("27440447587");
    expect(await home.text()).toContain('Shopify.shop = "purecane.myshopify.com"');
    const product = await fetch(`${shop.origin}/products/purecane-intro-bundle`);
    expect(product.status).toBe(200);
    expect((await fetch(`${shop.origin}/collections/all`)).status).toBe(200);
    const robots = await (await fetch(`${shop.origin}/robots.txt`)).text();
    expect(robots.startsWith("# we use Shopify as our ecommerce platform")).toBe(true);
  });

  test("serves the 30 real products over /products.json with paging", async () => {
    const all = (await (await fetch(`${shop.origin}/products.json?limit=250`)).json()) as {
      products: { handle: string }[];
    };
    expect(all.products).toHaveLength(30);
    const page2 = (await (await fetch(`${shop.origin}/products.json?limit=20&page=2`)).json()) as {
      products: unknown[];
    };
    expect(page2.products).toHaveLength(10);
    const handle = all.products[0]?.handle ?? "";
    const js = (await (await fetch(`${shop.origin}/products/${handle}.js`)).json()) as {
      price: unknown;
    };
    expect(typeof js.price).toBe("number");
  });

  test("anything not captured answers 404", async () => {
    expect((await fetch(`${shop.origin}/collections.json`)).status).toBe(404);
    expect((await fetch(`${shop.origin}/meta.json`)).status).toBe(404);
    expect((await fetch(`${shop.origin}/pages/about`)).status).toBe(404);
    expect((await fetch(`${shop.origin}/products/nope.json`)).status).toBe(404);
  });

  test("never resolves a path outside its roots", () => {
    const fixture = loadFixtureStore({ roots: [PURECANE] });
    expect(resolveFixtureFile(fixture, "/..%2Fmylubie/products-array.json")).toBeNull();
    expect(resolveFixtureFile(fixture, "/sitemap.xml")).toBe(`${PURECANE}/sitemap.xml`);
  });
});
