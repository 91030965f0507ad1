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
