import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateDemoStore } from "./demo-store.ts";
import { type RunningStorefront, startStorefront } from "./server.ts";
import { toCents } from "./text.ts";

const store = generateDemoStore();
const tee = store.products.find((product) => product.handle === "salt-pepper-tee-limited");
const teeVariant = tee?.variants[0];
let shop: RunningStorefront;

beforeAll(async () => {
  shop = await startStorefront({ store });
});
afterAll(async () => {
  await shop.stop();
});

type Json = Record<string, unknown>;

async function getJson(path: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${shop.origin}${path}`);
  return { status: response.status, body: (await response.json()) as Json };
}

describe("single product documents", () => {
  test(".json wraps the product, joins tags into one string, hides availability", async () => {
    const { status, body } = await getJson("/products/salt-pepper-tee-limited.json");
    expect(status).toBe(200);
    const product = body.product as Json;
    expect(product.handle).toBe("salt-pepper-tee-limited");
    expect(typeof product.tags).toBe("string");
    expect(product.tags).toBe(tee?.tags.join(", ") ?? "");
    const variants = product.variants as Json[];
    expect(variants.every((variant) => !("available" in variant))).toBe(true);
    expect(variants[0]?.price).toBe(teeVariant?.price ?? "");
    expect((product.image as Json).src).toBe((product.images as Json[])[0]?.src ?? "");
  });

  test(".js uses minor units, option names and URL strings", async () => {
    const { body } = await getJson("/products/salt-pepper-tee-limited.js");
    const cents = toCents(teeVariant?.price ?? "");
    expect(body.price).toBe(cents);
    expect(body.price_min).toBe(cents);
    expect(body.compare_at_price).toBe(toCents(teeVariant?.compare_at_price ?? ""));
    expect(body.available).toBe(true);
    expect(body.options).toEqual(["Size", "Color"]);
    expect(body.tags).toEqual(tee?.tags ?? []);
    const images = body.images as unknown[];
    expect(images.every((src) => typeof src === "string" && src.startsWith("//cdn."))).toBe(true);
    const variants = body.variants as Json[];
    expect(variants[0]?.available).toBe(false);
    expect(variants[0]?.price).toBe(cents);
    expect(variants[0]?.options).toEqual([teeVariant?.option1, teeVariant?.option2]);
  });

  test("a default-title product has no public variant title", async () => {
    const { body } = await getJson("/products/creme-hydratante-a-l-aloe.js");
    const variant = (body.variants as Json[])[0];
    expect(variant?.public_title).toBeNull();
    expect(variant?.name).toBe("Crème Hydratante à l'Aloe");
    expect(body.compare_at_price).toBeNull();
    expect(body.compare_at_price_min).toBe(0);
  });

  test("unknown handles answer 404 in both shapes", async () => {
    expect((await getJson("/products/nope.json")).status).toBe(404);
    expect((await getJson("/products/nope.js")).status).toBe(404);
  });
});

describe("HTML pages", () => {
  async function html(path: string): Promise<string> {
    return (await fetch(`${shop.origin}${path}`)).text();
  }

  test("the homepage prints the theme globals, stylesheet and app scripts", async () => {
    const page = await html("/");
    expect(page).toContain('Shopify.shop = "maison-demo.myshopify.com";');
    expect(page).toContain('Shopify.currency = {"active":"EUR","rate":"1.0"};');
    expect(page).toContain('Shopify.country = "FR";');
    expect(page).toContain(
      `Shopify.theme = {"name":"Dawn","id":${store.shop.theme.id},"schema_name":"Dawn",` +
        '"schema_version":"15.0.0","theme_store_id":887,"role":"main"};',
    );
    expect(page).toContain(`//${store.shop.domain}/cdn/shop/t/1/assets/base.css`);
    expect(page).toContain("https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=");
    expect(page).toContain("https://cdn.judge.me/");
    expect(page).toContain("<title>Maison Démo</title>");
    expect(page).toContain('<meta name="description" content="');
  });

  test("a page prints its meta object and an rte body", async () => {
    const about = store.pages.find((page) => page.handle === "a-propos");
    const page = await html("/pages/a-propos");
    const meta = { page: { pageType: "page", resourceType: "page", resourceId: about?.id } };
    expect(page).toContain(`var meta = ${JSON.stringify(meta)};`);
    expect(page).toContain(`<div class="rte">${about?.body_html}</div>`);
    expect(page).toContain("<title>À propos – Maison Démo</title>");
  });

  test("a product page embeds JSON-LD of type Product", async () => {
    const page = await html("/products/matcha-set");
    const ld = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(page)?.[1] ?? "{}";
    const data = JSON.parse(ld) as Json;
    expect(data["@type"]).toBe("Product");
    expect(data.name).toBe("抹茶セット");
  });

  test("collection pages exist for real collections and for all", async () => {
    expect((await fetch(`${shop.origin}/collections/vetements`)).status).toBe(200);
    expect((await fetch(`${shop.origin}/collections/all`)).status).toBe(200);
    expect((await fetch(`${shop.origin}/collections/nope`)).status).toBe(404);
  });
});
