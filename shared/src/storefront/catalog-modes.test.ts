import { afterEach, describe, expect, test } from "bun:test";
import type { CatalogModes } from "./catalog-modes.ts";
import { generateDemoStore } from "./demo-store.ts";
import { type RunningStorefront, startStorefront } from "./server.ts";

const store = generateDemoStore({ productCount: 40, seed: 2 });
const collection = store.collections.find((c) => c.productHandles.length > 2);
let shop: RunningStorefront | undefined;

afterEach(async () => {
  await shop?.stop();
  shop = undefined;
});

async function serve(catalog: CatalogModes) {
  shop = await startStorefront({ store }, { catalog });
  const origin = shop.origin;
  return async (path: string) => {
    const response = await fetch(`${origin}${path}`);
    const type = response.headers.get("content-type") ?? "";
    const body = type.includes("json") ? await response.json() : await response.text();
    return { status: response.status, type, body };
  };
}

const handlesOf = (body: unknown) =>
  (body as { products: { handle: string }[] }).products.map((p) => p.handle);

describe("catalog modes of the generated storefront", () => {
  test("products.json can be a JSON 404 or an HTML page", async () => {
    let get = await serve({ productsJson: "not-found" });
    expect(await get("/products.json?limit=250")).toMatchObject({ status: 404 });
    await shop?.stop();
    get = await serve({ productsJson: "html" });
    const html = await get("/products.json?limit=250");
    expect(html.status).toBe(200);
    expect(html.type).toContain("text/html");
    expect((await get(`/products/${store.products[0]?.handle}.json`)).status).toBe(200);
  });

  test("hidden products leave products.json; unlisted ones leave every list", async () => {
    const [hidden = "", unlisted = ""] = collection?.productHandles ?? [];
    const get = await serve({ hiddenFromProductsJson: [hidden], unlisted: [unlisted] });
    const all = handlesOf((await get("/products.json?limit=250")).body);
    expect(all).toHaveLength(38);
    expect(all).not.toContain(hidden);
    const listed = handlesOf((await get(`/collections/${collection?.handle}/products.json`)).body);
    expect(listed).toContain(hidden);
    expect(listed).not.toContain(unlisted);
    expect((await get(`/products/${unlisted}.json`)).status).toBe(200);
  });

  test(".js-only products answer 404 under .json and stay out of the lists", async () => {
    const handle = store.products[3]?.handle ?? "";
    const get = await serve({ jsOnly: [handle] });
    expect((await get(`/products/${handle}.json`)).status).toBe(404);
    const js = await get(`/products/${handle}.js`);
    expect(js).toMatchObject({ status: 200, body: { handle } });
    expect(handlesOf((await get("/products.json?limit=250")).body)).not.toContain(handle);
  });
});

describe("page cap and sitemap modes", () => {
  test("the page cap can be lower and answered with 200, on every paged list", async () => {
    const get = await serve({ pageCap: { maxPageTimesLimit: 20, status: 200 } });
    expect(handlesOf((await get("/products.json?limit=10&page=2")).body)).toHaveLength(10);
    const errors = { errors: "Page * Limit exceeds the 20 limit." };
    expect(await get("/products.json?limit=10&page=3")).toMatchObject({
      status: 200,
      body: errors,
    });
    const inCollection = `/collections/${collection?.handle}/products.json?limit=21`;
    expect(await get(inCollection)).toMatchObject({ status: 200, body: errors });
    await shop?.stop();
    const shopify = await serve({});
    expect(await shopify("/products.json?limit=250&page=101")).toMatchObject({
      status: 400,
      body: { errors: "Page * Limit exceeds the 25000 limit." },
    });
  });

  test("Markets locales add ranged product children; an unknown child type is listed", async () => {
    const get = await serve({ sitemaps: { locales: ["en-ca"], unknownChild: true } });
    const index = (await get("/sitemap.xml")).body as string;
    const child = /<loc>https:\/\/[^/]+(\/en-ca\/sitemap_products_1\.xml\?from=\d+&amp;to=\d+)</
      .exec(index)?.[1]
      ?.replace("&amp;", "&");
    expect(child).toBeDefined();
    expect(index).toContain("/sitemap_metaobjects_1.xml</loc>");
    const products = (await get(child ?? "")).body as string;
    expect(products).toContain(`/en-ca/products/${store.products[0]?.handle}</loc>`);
    expect((await get("/fr-ca/sitemap_products_1.xml?from=1&to=2")).status).toBe(404);
    expect((await get("/sitemap_metaobjects_1.xml")).body).toContain("/pages/faq/shipping");
    await shop?.stop();
    const plain = await serve({});
    expect((await plain("/sitemap.xml")).body).not.toContain("en-ca");
    expect((await plain("/sitemap_metaobjects_1.xml")).status).toBe(404);
  });
});
