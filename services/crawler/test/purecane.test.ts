import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { join } from "node:path";
import { collections, pages, products } from "@shopsniffer/shared/db/schema";
import { loadFixtureStore } from "@shopsniffer/shared/storefront/fixture-store";
import { hasRealFixtures, REAL_FIXTURES } from "@shopsniffer/shared/testing/env";
import { and, eq } from "drizzle-orm";
import { runIndexingStage } from "../src/indexing/stage.ts";
import { runSitemapStage } from "../src/sitemap/stage.ts";
import { type Harness, startHarness } from "./harness.ts";
import { jobCounts, stepRecord } from "./rows.ts";

// Whole crawls: a loaded machine (CI, shared cores) takes far longer than the default 5 s.
setDefaultTimeout(60_000);

const DOMAIN = "purecane.com";
let h: Harness | undefined;

beforeAll(async () => {
  if (!hasRealFixtures) return;
  const fixture = loadFixtureStore({
    roots: [join(REAL_FIXTURES, "purecane")],
    productsArrayFile: join(REAL_FIXTURES, "mylubie", "products-array.json"),
  });
  h = await startHarness({ fixture }, DOMAIN);
});
afterAll(async () => {
  await h?.stop();
});

function harness(): Harness {
  if (!h) throw new Error("harness not started");
  return h;
}

describe.skipIf(!hasRealFixtures)("crawler stages on the purecane capture (real fixtures)", () => {
  test("sitemap, products.json, collection fallback and pages give the store's count", async () => {
    const { deps, createJob, stageRun } = harness();
    const jobId = await createJob();
    await runSitemapStage(deps, await stageRun(jobId, "sitemap"));
    await runIndexingStage(deps, await stageRun(jobId, "indexing"));
    const first = await jobCounts(deps.svc.db, jobId);
    expect(first).toEqual({
      sitemap: { product: 20, collection: 11, page: 24, blog: 413, other: 0 },
      products: 31,
      collections: 11,
      pages: 24,
    });
    const productsStep = await stepRecord(deps.svc.db, jobId, "indexing-products");
    expect(productsStep?.detail).toMatchObject({ products: 31, expected: 20 });
    // The products array is mylubie's, so no purecane sitemap handle answers as JSON; the one
    // captured product page gives its product through its JSON-LD and `var meta`.
    expect(productsStep?.detail?.coverage).toMatchObject({
      from_lists: 30,
      from_sitemap_fetches: 1,
      from_json_ld: 1,
      sitemap_products: 20,
      missing_count: 19,
    });
    const [bundle] = await deps.svc.db.db
      .select()
      .from(products)
      .where(and(eq(products.jobId, jobId), eq(products.handle, "purecane-intro-bundle")));
    expect(bundle).toMatchObject({ productId: 6_572_865_618_019, source: "json_ld" });
    const variants = bundle?.data.variants as Record<string, unknown>[];
    expect(variants).toMatchObject([
      { id: 39_374_830_010_467, sku: "BUNDLE-PURECANEINTRO", price: "28.78", available: true },
    ]);
    const collectionsStep = await stepRecord(deps.svc.db, jobId, "indexing-collections");
    expect(collectionsStep?.detail).toMatchObject({ collections_json: "unavailable" });

    await runSitemapStage(deps, await stageRun(jobId, "sitemap"));
    await runIndexingStage(deps, await stageRun(jobId, "indexing"));
    expect(await jobCounts(deps.svc.db, jobId)).toEqual(first);
  });

  test("fallback collections come from sitemap URLs; pages keep their fetch error", async () => {
    const { deps, createJob, stageRun } = harness();
    const jobId = await createJob();
    await runSitemapStage(deps, await stageRun(jobId, "sitemap"));
    await runIndexingStage(deps, await stageRun(jobId, "indexing"));
    const db = deps.svc.db.db;
    const all = await db.select().from(collections).where(eq(collections.jobId, jobId));
    const bundle = all.find((c) => c.handle === "bundle-save");
    expect(bundle).toMatchObject({
      source: "sitemap",
      title: null,
      collectionId: null,
      productHandles: [],
      data: { handle: "bundle-save", url: "https://purecane.com/collections/bundle-save" },
    });
    const stored = await db.select().from(pages).where(eq(pages.jobId, jobId));
    const contact = stored.find((p) => p.handle === "contact");
    expect(contact).toMatchObject({
      url: "https://purecane.com/pages/contact",
      fetchError: "HTTP 404",
    });
  });
});
