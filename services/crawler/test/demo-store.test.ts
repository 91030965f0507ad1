import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { collections, pages, products } from "@shopsniffer/shared/db/schema";
import { getJob } from "@shopsniffer/shared/jobs/state";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { eq } from "drizzle-orm";
import { parseHTML } from "linkedom";
import { runIndexingStage } from "../src/indexing/stage.ts";
import { runSitemapStage } from "../src/sitemap/stage.ts";
import { type Harness, startHarness } from "./harness.ts";
import { jobCounts, stepRecord } from "./rows.ts";

// Whole crawls: a loaded machine (CI, shared cores) takes far longer than the default 5 s.
setDefaultTimeout(60_000);

const DOMAIN = "demo.shopsniffer.test";
const store = generateDemoStore({ productCount: 620, seed: 7 });
let h: Harness;

/** Body HTML as the DOM writes it back (`&nbsp;` becomes `&#160;`). */
function reserialised(html: string): string {
  const { document } = parseHTML(`<div id="x">${html}</div>`);
  return document.getElementById("x")?.innerHTML.trim() ?? "";
}

beforeAll(async () => {
  h = await startHarness({ store }, DOMAIN, { sitemapChunkSize: 250 });
});
afterAll(async () => {
  await h?.stop();
});

/** Collects the product counts of the job's `status` events while `fn` runs. */
async function watchProductCounts(jobId: string, fn: () => Promise<void>): Promise<number[]> {
  const seen: number[] = [];
  const sub = h.deps.svc.nc.subscribe(h.deps.svc.names.progress(jobId), {
    callback: (_error, msg) => {
      const event = msg.json<{ type: string; step?: string; product_count?: number }>();
      if (event.type === "status" && event.step === "indexing-products") {
        seen.push(event.product_count ?? -1);
      }
    },
  });
  await fn();
  await h.deps.svc.nc.flush();
  sub.unsubscribe();
  return seen;
}

describe("crawler stages on the generated demo store", () => {
  test("sitemap and indexing store exactly the store's items, twice over", async () => {
    const jobId = await h.createJob();
    await runSitemapStage(h.deps, await h.stageRun(jobId, "sitemap"));
    const afterSitemap = await jobCounts(h.deps.svc.db, jobId);
    expect(afterSitemap.sitemap).toEqual({
      product: 620,
      collection: store.collections.length,
      page: store.pages.length,
      blog: 0,
      other: 0,
    });
    const sitemapStep = await stepRecord(h.deps.svc.db, jobId, "sitemap");
    expect(sitemapStep?.status).toBe("completed");
    expect(sitemapStep?.detail).toMatchObject({ products: 620, children: 6 });

    const counts = await watchProductCounts(jobId, async () => {
      await runIndexingStage(h.deps, await h.stageRun(jobId, "indexing"));
    });
    expect(counts.slice(0, 3)).toEqual([250, 500, 620]);
    const first = await jobCounts(h.deps.svc.db, jobId);
    expect(first).toMatchObject({
      products: 620,
      collections: store.collections.length,
      pages: store.pages.length,
    });
    const job = await getJob(h.deps.svc.db, jobId);
    expect(job?.productCount).toBe(620);
    expect(job?.collectionCount).toBe(store.collections.length);
    expect(job?.pageCount).toBe(store.pages.length);

    await runSitemapStage(h.deps, await h.stageRun(jobId, "sitemap"));
    await runIndexingStage(h.deps, await h.stageRun(jobId, "indexing"));
    expect(await jobCounts(h.deps.svc.db, jobId)).toEqual(first);
  });

  test("rows carry the store's data: collection handles, page titles, ids and bodies", async () => {
    const jobId = await h.createJob();
    await runSitemapStage(h.deps, await h.stageRun(jobId, "sitemap"));
    await runIndexingStage(h.deps, await h.stageRun(jobId, "indexing"));
    const db = h.deps.svc.db.db;

    const storedCollections = await db
      .select()
      .from(collections)
      .where(eq(collections.jobId, jobId));
    for (const expected of store.collections) {
      const row = storedCollections.find((c) => c.handle === expected.handle);
      expect(row?.productHandles).toEqual(expected.productHandles);
      expect(row?.collectionId).toBe(expected.id);
      expect(row?.title).toBe(expected.title);
      expect(row?.source).toBe("collections.json");
    }

    const storedPages = await db.select().from(pages).where(eq(pages.jobId, jobId));
    for (const expected of store.pages) {
      const row = storedPages.find((p) => p.handle === expected.handle);
      expect(row).toMatchObject({ title: expected.title, pageId: expected.id, fetchError: null });
      expect(row?.bodyHtml).toBe(reserialised(expected.body_html));
    }

    const [product] = await db
      .select()
      .from(products)
      .where(eq(products.productId, store.products[0]?.id ?? 0));
    expect(product?.handle).toBe(store.products[0]?.handle);
    expect(product?.data).toEqual(JSON.parse(JSON.stringify(store.products[0])));
    expect(product?.source).toBe("products.json");
  });
});
