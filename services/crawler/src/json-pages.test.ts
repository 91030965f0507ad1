import { afterAll, describe, expect, test } from "bun:test";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { fetchJsonPage, forEachJsonPage, pagedUrl } from "./json-pages.ts";

const ANSWERS: Record<string, () => Response> = {
  "/missing.json": () => Response.json({ errors: "Not Found" }, { status: 404 }),
  "/html.json": () =>
    new Response("<!doctype html><p>hi</p>", { headers: { "content-type": "text/html" } }),
  "/refused.json": () =>
    Response.json({ errors: "Page * Limit exceeds the 25000 limit." }, { status: 400 }),
  "/forbidden.json": () => new Response("<p>no</p>", { status: 403 }),
  "/array.json": () => Response.json([{ id: 1 }]),
  "/shape.json": () => Response.json({ products: "none" }),
  "/mixed.json": () => Response.json({ products: [{ id: 1 }, null, 3, [], { id: 2 }] }),
};

const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(request) {
    const url = new URL(request.url);
    const page = Number(url.searchParams.get("page"));
    if (url.pathname === "/paged.json") {
      return Response.json({ products: page <= 3 ? [{ id: page }] : [] });
    }
    const broken = url.pathname.match(/^\/broken-page-2(\/.+)$/)?.[1];
    if (broken && page === 1) return Response.json({ products: [{ id: 1 }] });
    if (broken) return ANSWERS[broken]?.() ?? new Response("?", { status: 500 });
    return ANSWERS[url.pathname]?.() ?? new Response("?", { status: 500 });
  },
});
const fetchStore = createStoreFetcher({
  origins: new Map([["shop.test", `http://127.0.0.1:${server.port}`]]),
  timeoutMs: 5_000,
});
afterAll(() => server.stop(true));

const page = (path: string) => fetchJsonPage(fetchStore, `https://shop.test${path}`, "products");

describe("storefront JSON pages", () => {
  test("404, HTML, other refusals and odd shapes are unavailable, not crashes", async () => {
    expect(await page("/missing.json")).toEqual({ kind: "unavailable", reason: "HTTP 404" });
    expect(await page("/html.json")).toEqual({ kind: "unavailable", reason: "not JSON" });
    expect(await page("/forbidden.json")).toEqual({ kind: "unavailable", reason: "HTTP 403" });
    expect(await page("/array.json")).toEqual({ kind: "unavailable", reason: "not JSON" });
    expect(await page("/shape.json")).toEqual({
      kind: "unavailable",
      reason: 'no "products" list',
    });
  });

  test("an errors body is a refusal whatever the status; non-objects are dropped", async () => {
    expect(await page("/refused.json")).toEqual({
      kind: "errors",
      message: "Page * Limit exceeds the 25000 limit.",
    });
    expect(await page("/mixed.json")).toEqual({ kind: "items", items: [{ id: 1 }, { id: 2 }] });
  });

  test("a 5xx throws a retryable error", async () => {
    await expect(page("/nothing-here.json")).rejects.toMatchObject({ retryable: true });
  });

  test("paging stops at the first empty page, or at the cap", async () => {
    const seen: number[] = [];
    const url = (n: number) => pagedUrl("https://shop.test/paged.json", n);
    const all = await forEachJsonPage(fetchStore, url, "products", 10, async (_items, n) => {
      seen.push(n);
    });
    expect(all).toEqual({ available: true, pagesRead: 3, itemCount: 3, endedBy: "empty" });
    expect(seen).toEqual([1, 2, 3]);
    const capped = await forEachJsonPage(fetchStore, url, "products", 2, async () => {});
    expect(capped).toMatchObject({ pagesRead: 2, itemCount: 2, endedBy: "cap" });
    expect(url(4)).toBe("https://shop.test/paged.json?limit=250&page=4");
  });

  test("an unavailable first page means the list is not served", async () => {
    const url = (n: number) => pagedUrl("https://shop.test/missing.json", n);
    const outcome = await forEachJsonPage(fetchStore, url, "products", 10, async () => {});
    expect(outcome).toMatchObject({ available: false, pagesRead: 0, endedBy: "unavailable" });
  });

  test("an unavailable later page throws a retryable error, not a short list", async () => {
    for (const answer of ["/missing.json", "/html.json", "/shape.json", "/forbidden.json"]) {
      const url = (n: number) => pagedUrl(`https://shop.test/broken-page-2${answer}`, n);
      const pagesSeen: number[] = [];
      const series = forEachJsonPage(fetchStore, url, "products", 10, async (_items, n) => {
        pagesSeen.push(n);
      });
      await expect(series).rejects.toMatchObject({ code: "upstream_failed", retryable: true });
      expect(pagesSeen).toEqual([1]);
    }
  });

  test("an errors body on a later page still ends the series normally", async () => {
    const url = (n: number) => pagedUrl("https://shop.test/broken-page-2/refused.json", n);
    const outcome = await forEachJsonPage(fetchStore, url, "products", 10, async () => {});
    expect(outcome).toMatchObject({ available: true, pagesRead: 1, endedBy: "errors" });
  });
});
