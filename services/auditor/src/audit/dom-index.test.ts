import { expect, test } from "bun:test";
import { parseHTML } from "linkedom";
import { indexDocument } from "./dom-index.ts";

const { document } = parseHTML(`<div id="app" class="a b"><a href="https://X.example/p">x</a>
  <iframe src="https://player.example/v"></iframe><span data-k="v1 v2"></span></div>`);
const dom = indexDocument(document);
const tags = (selector: string) => dom.select(selector, 10).map((e) => e.tag);

test("compound selectors match as querySelectorAll would", () => {
  expect(tags("#app")).toEqual(["div"]);
  expect(tags("div.a.b")).toEqual(["div"]);
  expect(tags("div.c")).toEqual([]);
  expect(tags("a[href*='x.example']")).toEqual([]);
  expect(tags("a[href*='x.example' i]")).toEqual(["a"]);
  expect(tags("iframe[src^='https://player.'], span[data-k~=v2]")).toEqual(["iframe", "span"]);
  expect(tags("[data-k]")).toEqual(["span"]);
});

test("selectors with combinators or pseudo-classes match nothing", () => {
  expect(tags("div > a")).toEqual([]);
  expect(tags("a:first-child")).toEqual([]);
});
