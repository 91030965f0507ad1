import { describe, expect, test } from "bun:test";
import { extractPageFacts, pageIdFromMeta, stripSiteName } from "./page-html.ts";

const PAGE = `<!doctype html><html><head>
<title>About us – Maison Démo</title>
<meta property="og:site_name" content="Maison Démo">
<meta property="og:title" content="About us &amp; more – Maison Démo">
<script>var meta = {"page":{"pageType":"page","resourceType":"page","resourceId":101700000031,
"note":"a } in a \\" string"}};</script>
</head><body><div class="rte">footer text</div>
<main><h1>About</h1><div class="rte"><p>Hello <b>world</b></p></div></main></body></html>`;

describe("page facts", () => {
  test("title from og:title without the shop name, id from var meta, body from main .rte", () => {
    expect(extractPageFacts(PAGE)).toEqual({
      title: "About us & more",
      pageId: 101_700_000_031,
      bodyHtml: "<p>Hello <b>world</b></p>",
    });
  });

  test("without og tags the <title> loses its last part; without .rte main is the body", () => {
    const html =
      "<html><head><title>FAQ | Shop – Best shop</title></head>" +
      "<body><main> <p>Q?</p> </main></body></html>";
    expect(extractPageFacts(html)).toEqual({
      title: "FAQ | Shop",
      pageId: null,
      bodyHtml: "<p>Q?</p>",
    });
  });

  test("a non-page meta, broken JSON or no meta gives no page id", () => {
    expect(pageIdFromMeta('var meta = {"page":{"pageType":"product","resourceId":5}};')).toBeNull();
    expect(pageIdFromMeta('var meta = {"page":{"pageType":"page","resourceId":5}')).toBeNull();
    expect(pageIdFromMeta("<p>nothing</p>")).toBeNull();
    expect(pageIdFromMeta('var meta={"page":{"resourceType":"page","resourceId":7}};')).toBe(7);
  });

  test("an og:title without the shop name is kept whole", () => {
    expect(stripSiteName("Contact – Us", null, false)).toBe("Contact – Us");
    expect(stripSiteName("Contact – Us", "Shop", true)).toBe("Contact – Us");
    expect(stripSiteName("Contact - Shop", "Shop", false)).toBe("Contact");
  });

  test("HTML garbage gives empty facts, not a crash", () => {
    expect(extractPageFacts("\u0000<<<>>>")).toMatchObject({ pageId: null });
  });
});
