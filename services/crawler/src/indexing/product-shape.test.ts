import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hasRealFixtures, REAL_FIXTURES } from "@shopsniffer/shared/testing/env";
import { fromProductJs, fromSingleProductJson, minorToDecimal, tagList } from "./product-shape.ts";

describe("product shapes", () => {
  test("minor units become exact decimal strings", () => {
    expect(minorToDecimal(1999)).toBe("19.99");
    expect(minorToDecimal(5)).toBe("0.05");
    expect(minorToDecimal(0)).toBe("0.00");
    expect(minorToDecimal(-250)).toBe("-2.50");
    expect(minorToDecimal(123_456_789_012_345)).toBe("1234567890123.45");
    expect(minorToDecimal(1500, 0)).toBe("1500");
    expect(minorToDecimal(1500, 3)).toBe("1.500");
    expect(minorToDecimal("12.30")).toBe("12.30");
    expect(minorToDecimal(19.99)).toBeNull();
    expect(minorToDecimal(null)).toBeNull();
  });

  test("tags are a list whether the store sent a list or one comma-separated string", () => {
    expect(tagList("a, b,c , ,Été")).toEqual(["a", "b", "c", "Été"]);
    expect(tagList(["x", 3, "y"])).toEqual(["x", "y"]);
    expect(tagList(null)).toEqual([]);
  });

  test("a single .json product keeps its fields; a body without a product is null", () => {
    const body = { product: { id: 7, handle: "h", tags: "one, two", variants: [] } };
    expect(fromSingleProductJson(body)).toEqual({ ...body.product, tags: ["one", "two"] });
    expect(fromSingleProductJson({ errors: "Not Found" })).toBeNull();
    expect(fromSingleProductJson(null)).toBeNull();
  });

  test("a .js product takes the products.json shape", () => {
    const js = {
      id: 9,
      handle: "café",
      title: "Café",
      description: "<p>x</p>",
      type: "Coffee",
      tags: ["hot"],
      options: ["Size", { name: "Roast" }],
      images: ["//cdn.shopify.com/a.jpg"],
      variants: [
        { id: 1, option1: "S", option2: "Dark", price: 1999, compare_at_price: null, weight: 250 },
        { id: 2, option1: "L", option2: "Dark", price: 2500, compare_at_price: 3000, weight: 500 },
      ],
    };
    const product = fromProductJs(js);
    expect(product).toMatchObject({
      id: 9,
      handle: "café",
      body_html: "<p>x</p>",
      product_type: "Coffee",
      tags: ["hot"],
      images: [{ position: 1, product_id: 9, src: "https://cdn.shopify.com/a.jpg" }],
      options: [
        { name: "Size", position: 1, values: ["S", "L"] },
        { name: "Roast", position: 2, values: ["Dark"] },
      ],
    });
    expect(product?.variants).toMatchObject([
      { id: 1, price: "19.99", compare_at_price: null, grams: 250, position: 1, product_id: 9 },
      { id: 2, price: "25.00", compare_at_price: "30.00", grams: 500, position: 2 },
    ]);
    expect(fromProductJs({ handle: "no-id" })).toBeNull();
  });
});

describe.skipIf(!hasRealFixtures)("real .js products (fixtures)", () => {
  test("every variant price of two real stores converts exactly, ids and handles kept", () => {
    for (const file of ["sarmanfashion.com.json", "animalbiome-vetstore.json"]) {
      const path = join(REAL_FIXTURES, "product-js", file);
      const items = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>[];
      for (const js of items) {
        const product = fromProductJs(js);
        expect(product).toMatchObject({ id: js.id, handle: js.handle });
        const raw = js.variants as { price: number }[];
        const variants = (product?.variants ?? []) as { price: string }[];
        const prices = variants.map((v) => v.price);
        expect(prices).toEqual(raw.map((v) => (v.price / 100).toFixed(2)));
      }
    }
  });
});

test("an integer amount sent as a string is still minor units", () => {
  expect(minorToDecimal("1999")).toBe("19.99");
  expect(minorToDecimal("19.99")).toBe("19.99");
});
