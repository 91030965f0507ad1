import { afterEach, describe, expect, test, setDefaultTimeout } from "bun:test";
import { products } from "@shopsniffer/shared/db/schema";
import type { CatalogModes } from "@shopsniffer/shared/storefront/catalog-modes";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import type { StoreModel } from "@shopsniffer/shared/storefront/model";
import { MESSY_TEXT } from "@shopsniffer/shared/storefront/messy-data";
import { requestLog } from "@shopsniffer/shared/storefront/safety-modes";
import type { StorefrontOptions } from "@shopsniffer/shared/storefront/server";
import { eq } from "drizzle-orm";
import { runIndexingStage } from "../src/indexing/stage.ts";
import { runSitemapStage } from "../src/sitemap/stage.ts";
import { type Harness, startHarness } from "./harness.ts";
import { stepRecord } from "./rows.ts";

// Whole crawls: a loaded machine (CI, shared cores) takes far longer than the default 5 s.
setDefaultTimeout(60_000);

const DOMAIN = "demo.shopsniffer.test";
let h: Harness | undefined;

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A 300-product demo store whose first uncollected product has a non-ASCII handle. */
function makeStore(): { store: StoreModel; collected: string[]; uncollected: string[] } {
  const store = generateDemoStore({ productCount: 300, seed: 5 });
  const inCollections = new Set(store.collections.flatMap((c) => c.productHandles));
  const first = store.products.find((p) => !inCollections.has(p.handle));
  if (first) first.handle = "thé-vert-façon-ñ";
  const handles = store.products.map((p) => p.handle);
  return {
    store,
    collected: handles.filter((handle) => inCollections.has(handle)),
    uncollected: handles.filter((handle) => !inCollections.has(handle)),
  };
}

/** Runs the sitemap and indexing stages on `store` served with `catalog`; returns the job id. */
async function crawl(
  store: StoreModel,
  catalog: CatalogModes,
  options: StorefrontOptions = {},
): Promise<string> {
  h = await startHarness({ store }, DOMAIN, { catalog, ...options });
  const jobId = await h.createJob();
  await runSitemapStage(h.deps, await h.stageRun(jobId, "sitemap"));
  await runIndexingStage(h.deps, await h.stageRun(jobId, "indexing"));
  return jobId;
}

async function storedProducts(jobId: string) {
  const db = h?.deps.svc.db.db;
  if (!db) throw new Error("no harness");
  const rows = await db.select().from(products).where(eq(products.jobId, jobId));
  return new Map(rows.map((row) => [row.handle, row]));
}

async function coverage(jobId: string) {
  if (!h) throw new Error("no harness");
  return (await stepRecord(h.deps.svc.db, jobId, "indexing-products"))?.detail?.coverage;
}

describe("the catalog is the union of what the store exposes", () => {
  for (const mode of ["not-found", "html"] as const) {
    test(`products.json answering ${mode}: collections and the sitemap give all`, async () => {
      const { store, collected, uncollected } = makeStore();
      const jobId = await crawl(store, { productsJson: mode });
      const stored = await storedProducts(jobId);
      expect(stored.size).toBe(300);
      for (const handle of collected) expect(stored.get(handle)?.source).toBe("collections");
      for (const handle of uncollected) expect(stored.get(handle)?.source).toBe("product.json");
      const original = store.products.find((p) => p.handle === uncollected[0]);
      expect(stored.get(uncollected[0] ?? "")?.data.tags).toEqual(original?.tags ?? []);
      expect(await coverage(jobId)).toEqual({
        from_lists: 0,
        from_collections: collected.length,
        from_sitemap_fetches: uncollected.length,
        from_json_ld: 0,
        sitemap_products: 300,
        published_products_count: 300,
        missing: [],
        missing_count: 0,
      });
    });
  }

  test("products hidden from lists are stored once each, with their source", async () => {
    const { store, collected, uncollected } = makeStore();
    const hidden = collected.slice(0, 10);
    const unlisted = uncollected.slice(0, 5);
    const jobId = await crawl(store, { hiddenFromProductsJson: hidden, unlisted });
    const stored = await storedProducts(jobId);
    expect([...stored.values()].map((row) => row.productId).sort()).toEqual(
      store.products.map((p) => p.id).sort(),
    );
    for (const handle of hidden) expect(stored.get(handle)?.source).toBe("collections");
    for (const handle of unlisted) expect(stored.get(handle)?.source).toBe("product.json");
    expect(await coverage(jobId)).toMatchObject({
      from_lists: 300 - hidden.length - unlisted.length,
      from_collections: hidden.length,
      from_sitemap_fetches: unlisted.length,
      missing_count: 0,
    });

    if (!h) throw new Error("no harness");
    await runIndexingStage(h.deps, await h.stageRun(jobId, "indexing"));
    const again = await storedProducts(jobId);
    expect(again.size).toBe(300);
    expect(again.get(unlisted[0] ?? "")?.source).toBe("product.json");
  });

  test(".js-only products get exact decimal prices; unanswered handles are reported", async () => {
    const { store, uncollected } = makeStore();
    const [jsHandle, goneHandle] = uncollected;
    const product = store.products.find((p) => p.handle === jsHandle);
    const variant = product?.variants[0];
    if (!variant) throw new Error("demo product without variants");
    variant.price = "19.99";
    variant.compare_at_price = "1234.50";
    const gone = `/products/${encodeURIComponent(goneHandle ?? "")}`;
    const jobId = await crawl(
      store,
      { jsOnly: [jsHandle ?? ""], unlisted: [goneHandle ?? ""] },
      {
        intercept: (request) => {
          const path = new URL(request.url).pathname;
          return path.startsWith(gone) ? new Response("gone", { status: 404 }) : undefined;
        },
      },
    );
    const stored = await storedProducts(jobId);
    const row = stored.get(jsHandle ?? "");
    expect(row?.source).toBe("product.js");
    const variants = row?.data.variants as Record<string, unknown>[];
    expect(variants[0]).toMatchObject({
      id: variant.id,
      price: "19.99",
      compare_at_price: "1234.50",
    });
    expect(variants.map((v) => v.price)).toEqual(product?.variants.map((v) => v.price) ?? []);
    expect(stored.has(goneHandle ?? "")).toBe(false);
    expect(await coverage(jobId)).toMatchObject({
      from_sitemap_fetches: 1,
      sitemap_products: 300,
      missing: [goneHandle],
      missing_count: 1,
    });
  });

  for (const status of [400, 200] as const) {
    test(`the page cap answered with ${status} ends the list; the sitemap gives the rest`, async () => {
      const { store } = makeStore();
      const jobId = await crawl(store, { pageCap: { maxPageTimesLimit: 250, status } });
      expect((await storedProducts(jobId)).size).toBe(300);
      if (!h) throw new Error("no harness");
      const step = await stepRecord(h.deps.svc.db, jobId, "indexing-products");
      expect(step?.detail).toMatchObject({
        outcome: "complete",
        products_json: "available",
        ended_by: "errors",
        store_error: "Page * Limit exceeds the 250 limit.",
        coverage: { from_lists: 250, sitemap_products: 300, missing_count: 0 },
      });
    });
  }

  test("Markets locale sitemaps and unknown child types add no products", async () => {
    const { store } = makeStore();
    const sitemaps = { locales: ["en-ca", "fr-ca"], unknownChild: true };
    const log = requestLog();
    const jobId = await crawl(
      store,
      { productsJson: "not-found", sitemaps },
      { intercept: log.intercept },
    );
    if (!h) throw new Error("no harness");
    const sitemapStep = await stepRecord(h.deps.svc.db, jobId, "sitemap");
    expect(sitemapStep?.detail).toMatchObject({
      products: 300,
      children: 7,
      locale_copies_skipped: 2,
      other: 1,
    });
    expect(log.entries.filter((entry) => /^\/[a-z]{2}-ca\//.test(entry.path))).toEqual([]);
    const stored = await storedProducts(jobId);
    expect(stored.size).toBe(300);
    expect(await coverage(jobId)).toMatchObject({ sitemap_products: 300, missing_count: 0 });
  });

  test("messy products are stored as served: nulls, no images, odd text, 2,000 variants", async () => {
    const { store, collected } = makeStore();
    const [big = "", plain = ""] = collected;
    const product = store.products.find((p) => p.handle === big);
    const model = product?.variants[0];
    if (!product || !model) throw new Error("demo product without variants");
    product.variants = Array.from({ length: 2_000 }, (_, i) => ({
      ...model,
      id: model.id + i,
      title: `Taille ${i + 1}`,
      option1: `Taille ${i + 1}`,
      price: `${(i + 1) * 3}.${String(i % 100).padStart(2, "0")}`,
      position: i + 1,
    }));
    const jobId = await crawl(store, { messy: [big, plain] });
    const stored = await storedProducts(jobId);
    expect(stored.size).toBe(300);
    for (const handle of [big, plain]) {
      const row = stored.get(handle);
      expect(row?.title).toEndWith(MESSY_TEXT);
      expect(row?.vendor ?? null).toBeNull();
      expect(row?.data).toMatchObject({ body_html: null, vendor: null, tags: [], images: [] });
      const variants = row?.data.variants as Record<string, unknown>[];
      expect(variants.every((v) => v.sku === null && v.compare_at_price === null)).toBe(true);
    }
    const variants = stored.get(big)?.data.variants as Record<string, unknown>[];
    expect(variants.map((v) => v.price)).toEqual(product.variants.map((v) => v.price));
  });
});
