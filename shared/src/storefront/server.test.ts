import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateDemoStore } from "./demo-store.ts";
import { type RunningStorefront, startStorefront } from "./server.ts";

const store = generateDemoStore({ productCount: 300 });
let shop: RunningStorefront;

beforeAll(async () => {
  shop = await startStorefront({ store });
});
afterAll(async () => {
  await shop.stop();
});

async function getJson(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${shop.origin}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function productIds(path: string): Promise<number[]> {
  const { body } = await getJson(path);
  return (body.products as { id: number }[]).map((product) => product.id);
}

describe("/products.json paging", () => {
  test("defaults to 30 products on page 1", async () => {
    const ids = await productIds("/products.json");
    expect(ids).toEqual(store.products.slice(0, 30).map((product) => product.id));
  });

  test("clamps limit to 250 and pages by limit", async () => {
    expect(await productIds("/products.json?limit=1000")).toHaveLength(250);
    const second = await productIds("/products.json?limit=100&page=2");
    expect(second[0]).toBe(store.products[100]?.id ?? -1);
  });

  test("answers an empty list past the end, with no total", async () => {
    const { status, body } = await getJson("/products.json?limit=250&page=3");
    expect(status).toBe(200);
    expect(body).toEqual({ products: [] });
  });

  test("refuses page × limit above 25,000 with Shopify's error", async () => {
    expect((await getJson("/products.json?limit=250&page=100")).status).toBe(200);
    const { status, body } = await getJson("/products.json?limit=250&page=101");
    expect(status).toBe(400);
    expect(body).toEqual({ errors: "Page * Limit exceeds the 25000 limit." });
  });

  test("treats non-numeric parameters as defaults", async () => {
    const ids = await productIds("/products.json?limit=abc&page=-2");
    expect(ids).toEqual(store.products.slice(0, 30).map((product) => product.id));
  });
});

describe("collections", () => {
  test("/collections.json pages collections in Shopify's shape", async () => {
    const { body } = await getJson("/collections.json?limit=2&page=2");
    const collections = body.collections as Record<string, unknown>[];
    expect(collections.map((c) => c.handle)).toEqual(
      store.collections.slice(2, 4).map((c) => c.handle),
    );
    expect(Object.keys(collections[0] ?? {})).toEqual([
      "id",
      "handle",
      "title",
      "description",
      "published_at",
      "updated_at",
      "image",
      "products_count",
    ]);
  });

  test("/collections/<handle>/products.json lists members, 404 when unknown", async () => {
    const sale = store.collections.find((c) => c.handle === "soldes");
    const ids = await productIds("/collections/soldes/products.json?limit=250");
    expect(ids).toHaveLength(sale?.productHandles.length ?? -1);
    expect(await productIds("/collections/ete-2019/products.json")).toEqual([]);
    const missing = await getJson("/collections/nope/products.json");
    expect(missing).toEqual({ status: 404, body: { errors: "Not Found" } });
  });
});

describe("shop documents and headers", () => {
  test("JSON answers carry Shopify's headers", async () => {
    const response = await fetch(`${shop.origin}/meta.json`);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("x-shopid")).toBe(String(store.shop.id));
    expect(response.headers.get("powered-by")).toBe("Shopify");
    const meta = (await response.json()) as Record<string, unknown>;
    expect(meta.myshopify_domain).toBe(store.shop.myshopify_domain);
    expect(meta.published_products_count).toBe(300);
    expect(meta.currency).toBe("EUR");
  });

  test("robots.txt starts like Shopify's", async () => {
    const text = await (await fetch(`${shop.origin}/robots.txt`)).text();
    expect(text.startsWith("# we use Shopify as our ecommerce platform")).toBe(true);
  });

  test("unknown paths answer a 404 HTML page", async () => {
    const response = await fetch(`${shop.origin}/no/such/page`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toContain("404");
  });
});

describe("server options", () => {
  test("latencyMs delays JSON endpoints but not HTML, and requests are counted", async () => {
    const slow = await startStorefront({ store }, { latencyMs: 300 });
    try {
      const finished: string[] = [];
      const get = async (path: string) => {
        await (await fetch(`${slow.origin}${path}`)).arrayBuffer();
        finished.push(path);
      };
      await Promise.all([get("/products.json"), get("/pages/contact")]);
      expect(finished).toEqual(["/pages/contact", "/products.json"]);
      expect(slow.requests).toBe(2);
    } finally {
      await slow.stop();
    }
  });

  test("intercept can inject a response such as a 429", async () => {
    const limited = await startStorefront(
      { store },
      { intercept: () => new Response("Too Many Requests", { status: 429 }) },
    );
    try {
      expect((await fetch(`${limited.origin}/products.json`)).status).toBe(429);
    } finally {
      await limited.stop();
    }
  });
});
