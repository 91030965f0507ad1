import { describe, expect, test } from "bun:test";
import { parseHTML } from "linkedom";
import { indexDocument } from "./dom-index.ts";

const { document } = parseHTML(`<html xmlns:w="urn:office:word"><body>
  <div id="app" class="a b"><a href="https://X.example/p">x</a>
    <iframe src="https://player.example/v"></iframe><span data-k="v1 v2"></span></div>
  <section><p class="deep"><em>e</em></p></section>
  <ul><li class="one">first</li><li class="two">second</li><li class="three">third</li></ul>
</body></html>`);
const dom = indexDocument(document);
const tags = (selector: string) => dom.select(selector, 10).map((e) => e.tag);
const texts = (selector: string) =>
  dom.select(selector, 10).map((e) => e.element.textContent?.trim());

test("compound selectors match as querySelectorAll would", () => {
  expect(tags("#app")).toEqual(["div"]);
  expect(tags("div.a.b")).toEqual(["div"]);
  expect(tags("div.c")).toEqual([]);
  expect(tags("a[href*='x.example']")).toEqual([]);
  expect(tags("a[href*='x.example' i]")).toEqual(["a"]);
  expect(tags("iframe[src^='https://player.'], span[data-k~=v2]")).toEqual(["iframe", "span"]);
  expect(tags("[data-k]")).toEqual(["span"]);
});

test("~= matches one whole word, never an empty value or one with spaces", () => {
  const page = parseHTML(`<html><body><b data-k=""></b><i data-k="v1 v2"></i></body></html>`);
  const index = indexDocument(page.document);
  const words = (selector: string) => index.select(selector, 10).map((e) => e.tag);
  expect(words("[data-k~='v1']")).toEqual(["i"]);
  expect(words("[data-k~='v']")).toEqual([]);
  expect(words("[data-k~='']")).toEqual([]);
  expect(words("[data-k~='v1 v2']")).toEqual([]);
});

describe("combinators", () => {
  test("descendant: any ancestor, at any depth", () => {
    expect(tags("section em")).toEqual(["em"]);
    expect(tags("body section p.deep em")).toEqual(["em"]);
    expect(tags("div#app em")).toEqual([]);
  });

  test("child: the parent only", () => {
    expect(tags("div#app > a[href*='x.example' i]")).toEqual(["a"]);
    expect(tags("p > em")).toEqual(["em"]);
    expect(tags("section > em")).toEqual([]);
  });

  test("adjacent sibling: the element just before", () => {
    expect(tags("a + iframe")).toEqual(["iframe"]);
    expect(texts("li.one + li")).toEqual(["second"]);
    expect(tags("a + span")).toEqual([]);
  });

  test("general sibling: any earlier sibling", () => {
    expect(tags("a ~ span[data-k]")).toEqual(["span"]);
    expect(texts("li.one ~ li")).toEqual(["second", "third"]);
    expect(tags("span ~ a")).toEqual([]);
  });

  test("mixed, with spaces around combinators optional", () => {
    expect(texts("body>ul li.two~li")).toEqual(["third"]);
    expect(texts("ul > li + li ~ li")).toEqual(["third"]);
    expect(texts("section ~ ul > li:not(.one) + li")).toEqual(["third"]);
    expect(tags("section + div li")).toEqual([]);
  });

  test("the universal selector, alone or in a chain", () => {
    expect(dom.select("*", 3).map((e) => e.tag)).toEqual(["html", "body", "div"]);
    expect(tags("body > * > em")).toEqual([]);
    expect(tags("body > * > * > em")).toEqual(["em"]);
  });
});

test("escaped characters in names are read as themselves", () => {
  expect(tags("html[xmlns\\:w='urn:office:word']")).toEqual(["html"]);
  expect(tags("html[xmlns\\:w='urn:office:excel']")).toEqual([]);
  expect(tags("a[href*='X\\.example']")).toEqual(["a"]);
});

describe("pseudo-classes, through the DOM library", () => {
  test(":first-child, :last-child and :nth-child", () => {
    expect(texts("li:first-child")).toEqual(["first"]);
    expect(texts("li:last-child")).toEqual(["third"]);
    expect(texts("li:nth-child(2)")).toEqual(["second"]);
    expect(texts("li.two:first-child")).toEqual([]);
  });

  test(":not and :contains", () => {
    expect(texts("li:not(.two)")).toEqual(["first", "third"]);
    expect(texts("li:not(li)")).toEqual([]);
    expect(texts("li:contains('sec')")).toEqual(["second"]);
    expect(texts("li:contains('fourth')")).toEqual([]);
  });

  test("an invalid selector matches nothing instead of throwing", () => {
    expect(tags("p::before")).toEqual([]);
    expect(tags("li:no-such-class")).toEqual([]);
    expect(tags("a[href")).toEqual([]);
  });
});
