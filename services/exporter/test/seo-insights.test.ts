import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { jobSteps, sitemapUrls } from "@shopsniffer/shared/db/schema";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import {
  createTestWorld,
  hasRealFixtures,
  REAL_FIXTURES,
  type TestWorld,
} from "@shopsniffer/shared/testing/env";
import { stageRunFor } from "@shopsniffer/shared/testing/stage-run";
import { isoNow } from "@shopsniffer/shared/time";
import type { ExporterService } from "../src/config.ts";
import { insightsStage } from "../src/insights/stage.ts";
import {
  bootExporter,
  insertCollection,
  insertJob,
  insertProducts,
  mylubieProducts,
  type RawProduct,
  reload,
} from "./helpers.ts";

const DOMAIN = "shop.example.com";
let world: TestWorld;
let svc: ExporterService;

beforeAll(async () => {
  world = await createTestWorld();
  svc = await bootExporter(world.env);
});
afterAll(async () => {
  await svc.close();
  await world.stop();
});

type Seo = {
  scores: Record<string, number | null>;
  findings: Array<{ id: string; count: number; checked: number; examples: string[] }>;
  checks: Array<{ id: string; area: string; severity: string; checked: number; count: number }>;
  not_checked: Array<{ id: string; reason: string }>;
  sampled_pages: number;
};

async function insertStep(jobId: string, step: string, detail: Record<string, unknown>) {
  await svc.db.write((db) =>
    db.insert(jobSteps).values({ jobId, step, status: "completed", startedAt: isoNow(), detail }),
  );
}

async function insertSitemap(jobId: string, urls: string[]) {
  if (urls.length === 0) return;
  await svc.db.write((db) =>
    db.insert(sitemapUrls).values(urls.map((url) => ({ jobId, url, kind: "product" }))),
  );
}

async function seoOf(jobId: string): Promise<Seo> {
  await insightsStage(svc).handle(await stageRunFor(svc, jobId, "insights", "insights"));
  return (await reload(svc, jobId)).insights?.seo as Seo;
}

function check(seo: Seo, id: string) {
  return seo.checks.find((c) => c.id === id);
}

/** Text words by a different route than the code's: split on tags and blanks, keep letters. */
function words(html: string): number {
  return html
    .split(/<[^>]+>|\s+|&nbsp;/)
    .filter((w) => /[A-Za-zÀ-ÿ0-9\u3040-\u30ff\u4e00-\u9fff]/.test(w)).length;
}

/** The demo store with problems planted: blank and thin descriptions, no images, no SKUs. */
function seededProducts(): RawProduct[] {
  const products = structuredClone([...generateDemoStore({ productCount: 24 }).products]);
  const at = (i: number) => products[i] as (typeof products)[number];
  at(7).body_html = "";
  at(8).body_html = "<p>  </p>";
  at(9).body_html = "<p>Soft cotton, made in Lyon.</p>";
  at(10).images = [];
  at(11).images = [];
  for (const variant of at(12).variants) variant.sku = "";
  return products as unknown as RawProduct[];
}

/** A page sample as the auditor stores it, with known problems on known pages. */
const SAMPLE = [
  page("home", "/", { title: "Maison", description: "Shop" }),
  page("product", "/products/a", { title: "A", description: "Shop", jsonld_types: ["Product"] }),
  page("product", "/products/b", { title: "A", description: null, jsonld_types: ["Offer"] }),
  page("product", "/products/c", { title: null, canonical: "https://other.example/products/c" }),
  page("collection", "/collections/x", { noindex: true, canonical: null, jsonld_invalid: 1 }),
  page("collection", "/collections/y", { images: 4, images_without_alt: 3 }),
  { kind: "page", url: `https://${DOMAIN}/pages/gone`, status: 404, error: "HTTP 404" },
];

function page(kind: string, path: string, facts: Record<string, unknown>) {
  const url = `https://${DOMAIN}${path}`;
  return {
    kind,
    url,
    status: 200,
    final_url: null,
    title: `T ${path}`,
    description: `D ${path}`,
    canonical: url,
    noindex: false,
    images: 2,
    images_without_alt: 0,
    images_without_alt_examples: [],
    jsonld_types: [],
    jsonld_invalid: 0,
    ...facts,
  };
}

describe("seo insights", () => {
  test("count the seeded catalog problems and the sitemap differences", async () => {
    const products = seededProducts();
    const job = await insertJob(svc);
    await insertProducts(svc, job.id, products);
    const dropped = products.slice(0, 2).map((p) => p.handle);
    const listed = products.filter((p) => !dropped.includes(p.handle)).map((p) => p.handle);
    const extra = ["ghost-product", "caf%C3%A9-fant%C3%B4me"];
    await insertSitemap(
      job.id,
      [...listed, ...extra].map((h) => `https://${DOMAIN}/products/${h}`),
    );
    await insertCollection(svc, job.id, { handle: "full" }, listed.slice(0, 3));
    await insertCollection(svc, job.id, { handle: "empty-one" }, []);
    await insertCollection(svc, job.id, { handle: "empty-two" }, []);
    await insertStep(job.id, "pagespeed", { provider: "none", seo_sample: { pages: SAMPLE } });
    const seo = await seoOf(job.id);

    const bodies = products.map((p) => words(String(p.body_html)));
    const variants = products.flatMap((p) => p.variants as Array<{ sku: string }>);
    expect(check(seo, "product_description_empty")).toMatchObject({
      checked: products.length,
      count: bodies.filter((n) => n === 0).length,
    });
    expect(check(seo, "product_description_empty")?.count).toBe(2);
    expect(check(seo, "product_description_thin")).toMatchObject({
      checked: bodies.filter((n) => n > 0).length,
      count: bodies.filter((n) => n > 0 && n < 20).length,
    });
    expect(check(seo, "product_without_images")?.count).toBe(
      products.filter((p) => (p.images as unknown[]).length === 0).length,
    );
    expect(check(seo, "variant_without_sku")).toMatchObject({
      checked: variants.length,
      count: variants.filter((v) => v.sku === "").length,
    });
    expect(check(seo, "product_not_in_sitemap")).toMatchObject({ count: 2 });
    expect(check(seo, "sitemap_product_not_in_catalog")).toMatchObject({ checked: 24, count: 2 });
    expect(check(seo, "collection_empty")).toMatchObject({ checked: 3, count: 2 });
    const notInSitemap = seo.findings.find((f) => f.id === "product_not_in_sitemap");
    expect(notInSitemap?.examples.sort()).toEqual([...dropped].sort());
  });

  test("count the page problems of the sample and score each area by the written rule", async () => {
    const job = await insertJob(svc);
    await insertStep(job.id, "pagespeed", { provider: "none", seo_sample: { pages: SAMPLE } });
    const seo = await seoOf(job.id);
    const counts = Object.fromEntries(seo.checks.map((c) => [c.id, [c.count, c.checked]]));
    expect(counts).toMatchObject({
      page_fetch_failed: [1, 7],
      title_missing: [1, 6],
      title_duplicate: [2, 5],
      description_missing: [1, 6],
      description_duplicate: [2, 5],
      canonical_missing: [1, 6],
      canonical_mismatch: [1, 5],
      noindex: [1, 6],
      product_jsonld_missing: [2, 3],
      jsonld_invalid: [1, 6],
      image_alt_missing: [3, 14],
    });
    expect(seo.sampled_pages).toBe(SAMPLE.length);
    expect(seo.findings.find((f) => f.id === "canonical_mismatch")?.examples).toEqual([
      `https://${DOMAIN}/products/c → https://other.example/products/c`,
    ]);
    // docs/seo.md: weights error 3, warning 2, notice 1; 100 × weighted mean pass share.
    const weight: Record<string, number> = { error: 3, warning: 2, notice: 1 };
    for (const area of ["seo", "content", "catalog"]) {
      const mine = seo.checks.filter((c) => c.area === area && c.checked > 0);
      const total = mine.reduce((n, c) => n + (weight[c.severity] ?? 0), 0);
      const pass = mine.reduce(
        (n, c) => n + (weight[c.severity] ?? 0) * ((c.checked - c.count) / c.checked),
        0,
      );
      expect(seo.scores[area]).toBe(total ? Math.round((100 * pass) / total) : null);
    }
    expect(seo.scores.catalog).toBeNull();
    expect(seo.scores.seo).toBeGreaterThan(0);
    expect(seo.scores.seo).toBeLessThan(100);
  });

  test("a job without a sample or a complete sitemap says what it did not check", async () => {
    const job = await insertJob(svc);
    await insertStep(job.id, "sitemap", { products: 0, truncated: true });
    await insertStep(job.id, "indexing-collections", { source: "sitemap" });
    const seo = await seoOf(job.id);
    expect(seo.not_checked.map((c) => c.id).sort()).toEqual([
      "collection_empty",
      "pages",
      "product_not_in_sitemap",
    ]);
    expect(seo.findings).toEqual([]);
    expect(seo.scores).toEqual({ seo: null, content: null, catalog: null });
  });

  test.skipIf(!hasRealFixtures)(
    "purecane's real sitemap against mylubie's real products gives set differences",
    async () => {
      const xml = readFileSync(join(REAL_FIXTURES, "purecane", "sitemap_products_1.xml"), "utf8");
      const urls = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)]
        .map((m) => m[1] ?? "")
        .filter((u) => u.includes("/products/"));
      const products = mylubieProducts();
      const job = await insertJob(svc, { domain: "purecane.com" });
      await insertProducts(svc, job.id, products);
      await insertSitemap(job.id, urls);
      const seo = await seoOf(job.id);
      const sitemapHandles = new Set(urls.map((u) => u.split("/products/")[1]));
      const catalogHandles = new Set(products.map((p) => p.handle));
      const missing = [...sitemapHandles].filter((h) => !catalogHandles.has(h ?? ""));
      const unlisted = [...catalogHandles].filter((h) => !sitemapHandles.has(h));
      expect(check(seo, "sitemap_product_not_in_catalog")).toMatchObject({
        checked: sitemapHandles.size,
        count: missing.length,
      });
      expect(check(seo, "product_not_in_sitemap")).toMatchObject({
        checked: products.length,
        count: unlisted.length,
      });
      const noImages = products.filter((p) => (p.images as unknown[]).length === 0).length;
      expect(check(seo, "product_without_images")?.count).toBe(noImages);
      const variants = products.flatMap((p) => p.variants as Array<{ sku: string | null }>);
      expect(check(seo, "variant_without_sku")?.count).toBe(
        variants.filter((v) => !v.sku?.trim()).length,
      );
    },
  );
});
