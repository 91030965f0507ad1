import { describe, expect, test } from "bun:test";
import { childKind, handleAfter, isHomePage, pathKind } from "./classify.ts";

describe("sitemap classification", () => {
  test("children are classified by Shopify's file names, whatever the query", () => {
    expect(childKind("https://a.test/sitemap_products_12.xml?from=1&to=2")).toBe("product");
    expect(childKind("https://a.test/fr/sitemap_collections_1.xml")).toBe("collection");
    expect(childKind("https://a.test/sitemap_pages_1.xml")).toBe("page");
    expect(childKind("https://a.test/sitemap_blogs_1.xml")).toBe("blog");
    expect(childKind("https://a.test/sitemap_metaobject_pages_1.xml")).toBe("other");
    expect(childKind("not a url")).toBe("other");
  });

  test("URLs of a plain urlset are classified by path", () => {
    expect(pathKind("https://a.test/products/tee")).toBe("product");
    expect(pathKind("https://a.test/fr/collections/all")).toBe("collection");
    expect(pathKind("https://a.test/pages/about")).toBe("page");
    expect(pathKind("https://a.test/blogs/news/hello")).toBe("blog");
    expect(pathKind("https://a.test/search")).toBe("other");
  });

  test("the home page is the URL whose path is /, or a Markets locale's root", () => {
    expect(isHomePage("https://a.test/")).toBe(true);
    expect(isHomePage("https://a.test")).toBe(true);
    expect(isHomePage("https://a.test/en-ca/")).toBe(true);
    expect(isHomePage("https://a.test/fr")).toBe(true);
    expect(isHomePage("https://a.test/pages")).toBe(false);
    expect(isHomePage("https://a.test/products/x")).toBe(false);
  });

  test("handles are read after their segment and percent-decoded", () => {
    expect(handleAfter("https://a.test/collections/caf%C3%A9", "collections")).toBe("café");
    expect(handleAfter("https://a.test/pages/about-us", "pages")).toBe("about-us");
    expect(handleAfter("https://a.test/pages/", "pages")).toBeNull();
    expect(handleAfter("https://a.test/collections/%E0%A4%A", "collections")).toBe("%E0%A4%A");
  });
});
