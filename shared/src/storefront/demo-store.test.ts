import { describe, expect, test } from "bun:test";
import { DEMO_DOMAIN, generateDemoStore } from "./demo-store.ts";
import { toCents } from "./text.ts";

const store = generateDemoStore();
const variants = store.products.flatMap((product) => product.variants);

describe("generateDemoStore", () => {
  test("the same seed and options give an identical store", () => {
    const again = generateDemoStore();
    expect(JSON.stringify(again)).toBe(JSON.stringify(store));
    const big = JSON.stringify(generateDemoStore({ productCount: 500, seed: 7 }));
    expect(JSON.stringify(generateDemoStore({ productCount: 500, seed: 7 }))).toBe(big);
  });

  test("another seed gives another store", () => {
    const other = generateDemoStore({ seed: 2 });
    expect(JSON.stringify(other.products)).not.toBe(JSON.stringify(store.products));
  });

  test("defaults to 60 EUR products on the demo domain", () => {
    expect(store.products).toHaveLength(60);
    expect(store.shop.domain).toBe(DEMO_DOMAIN);
    expect(store.shop.currency).toBe("EUR");
    expect(generateDemoStore({ domain: "x.test" }).shop.domain).toBe("x.test");
  });

  test("has Size × Color variants, discounts, sold-out variants and blank SKUs", () => {
    const sizeColor = store.products.filter((product) => {
      const names = product.options.map((option) => option.name);
      return names.includes("Size") && names.includes("Color");
    });
    expect(sizeColor.length).toBeGreaterThan(0);
    const discounted = variants.filter(
      (v) => v.compare_at_price !== null && toCents(v.compare_at_price) > toCents(v.price),
    );
    expect(discounted.length).toBeGreaterThan(0);
    expect(variants.some((variant) => !variant.available)).toBe(true);
    expect(variants.some((variant) => variant.sku === "")).toBe(true);
  });

  test("prices are decimal strings with two decimals", () => {
    for (const variant of variants) {
      expect(variant.price).toMatch(/^\d+\.\d{2}$/);
      if (variant.compare_at_price !== null)
        expect(variant.compare_at_price).toMatch(/^\d+\.\d{2}$/);
    }
  });

  test("has non-ASCII text, HTML descriptions, several vendors, types and tags", () => {
    const titles = store.products.map((product) => product.title).join(" ");
    expect(titles).toContain("Crème");
    expect(titles).toContain("Größe");
    expect(titles).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(store.products.every((product) => product.body_html.startsWith("<p>"))).toBe(true);
    expect(new Set(store.products.map((product) => product.vendor)).size).toBeGreaterThan(3);
    expect(new Set(store.products.map((product) => product.product_type)).size).toBeGreaterThan(3);
    expect(store.products.every((product) => product.tags.length > 0)).toBe(true);
  });

  test("has 5+ collections with one empty, and 4+ pages", () => {
    expect(store.collections.length).toBeGreaterThanOrEqual(5);
    expect(store.collections.some((collection) => collection.products_count === 0)).toBe(true);
    for (const collection of store.collections) {
      expect(collection.products_count).toBe(collection.productHandles.length);
    }
    expect(store.pages.length).toBeGreaterThanOrEqual(4);
  });

  test("scales to 3,000 products with unique handles and ascending ids", () => {
    const big = generateDemoStore({ productCount: 3000 });
    expect(big.products).toHaveLength(3000);
    expect(new Set(big.products.map((product) => product.handle)).size).toBe(3000);
    expect(big.products.every((p, i, all) => i === 0 || p.id > (all[i - 1]?.id ?? 0))).toBe(true);
    const variantIds = big.products.flatMap((product) => product.variants.map((v) => v.id));
    expect(new Set(variantIds).size).toBe(variantIds.length);
  });
});
