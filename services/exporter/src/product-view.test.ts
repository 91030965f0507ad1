import { describe, expect, test } from "bun:test";
import { priceOf, priceText } from "./decimal.ts";
import { viewProduct } from "./product-view.ts";

describe("viewProduct", () => {
  test("reads the /products/<handle>.js shape: minor-unit prices, type, image strings", () => {
    const view = viewProduct({
      handle: "untouchable",
      title: "Untouchable",
      description: "<p>Cotton</p>",
      type: "Hoodie",
      tags: ["Hoodies"],
      options: ["Size", "Color"],
      images: ["//cdn.shopify.com/a.jpg"],
      variants: [
        { title: "S / Black", option1: "S", option2: "Black", price: 3599, weight: 0 },
        { title: "M / Black", option1: "M", option2: "Black", price: 3599, compare_at_price: 5599 },
      ],
    });
    expect(view.productType).toBe("Hoodie");
    expect(view.bodyHtml).toBe("<p>Cotton</p>");
    expect(view.optionNames).toEqual(["Size", "Color"]);
    expect(view.images).toEqual([{ id: null, src: "https://cdn.shopify.com/a.jpg", alt: null }]);
    expect(view.variants.map((v) => [v.price, v.compareAtPrice])).toEqual([
      ["35.99", null],
      ["35.99", "55.99"],
    ]);
  });

  test("borrows image alt text from variants' featured images", () => {
    const view = viewProduct({
      images: [{ id: 5, src: "https://cdn.shopify.com/b.jpg" }],
      variants: [{ price: "1.00", featured_image: { id: 5, alt: "Vue de face" } }],
    });
    expect(view.images[0]?.alt).toBe("Vue de face");
  });

  test("never throws on junk and leaves unknown prices null", () => {
    const view = viewProduct({ variants: [null, { price: "abc" }, { price: "" }], images: "x" });
    expect(view.variants.map((v) => v.price)).toEqual([null, null]);
    expect(view.images).toEqual([]);
  });
});

describe("prices", () => {
  test("keep Shopify's two decimals and more when a price has them", () => {
    const text = (raw: string) => {
      const price = priceOf(raw);
      return price ? priceText(price) : null;
    };
    expect(text("28")).toBe("28.00");
    expect(text("0.10")).toBe("0.10");
    expect(text("1.005")).toBe("1.005");
    expect(priceOf(1999)?.toString()).toBe("19.99");
    expect(priceOf(NaN)).toBeNull();
  });
});
