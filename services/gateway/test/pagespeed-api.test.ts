import { afterAll, beforeAll, expect, test } from "bun:test";
import { collections, jobSteps, jobs, pages, products } from "@shopsniffer/shared/db/schema";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { isoNow } from "@shopsniffer/shared/time";
import { type GatewayHarness, startGateway } from "./harness.ts";

let gw: GatewayHarness;

beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw.stop();
});

const HOME = {
  kind: "home",
  url: "https://maison.example/",
  strategy: "mobile",
  scores: { performance: 74, accessibility: 89, best_practices: 79, seo: 100 },
  metrics: { lcp_ms: 1519.6, cls: 0.01, tbt_ms: 0, fcp_ms: 1276.6, speed_index_ms: 1276.6 },
  field: null,
  lighthouse_version: "12.2.3",
  form_factor: "mobile",
};
const FAILED = {
  kind: "product",
  url: "https://maison.example/products/x",
  strategy: "mobile",
  error: "Lighthouse ERRORED_DOCUMENT_REQUEST: (Status code: 404)",
};
const SEO = {
  scores: { seo: 90, content: 75, catalog: 100 },
  findings: [{ id: "noindex", area: "seo", severity: "error", count: 1, checked: 4, examples: [] }],
  checks: [],
  not_checked: [],
  sampled_pages: 4,
};

async function insertJob(withStep: boolean) {
  const id = crypto.randomUUID();
  const now = isoNow();
  await gw.svc.db.write(async (db) => {
    await db.insert(jobs).values({
      id,
      domain: "maison.example",
      slug: "maison-example",
      status: "processing",
      createdAt: now,
      updatedAt: now,
      insights: { seo: SEO },
    });
    if (!withStep) return;
    await db.insert(jobSteps).values({
      jobId: id,
      step: "pagespeed",
      status: "completed",
      attempts: 1,
      startedAt: "2026-01-02T03:04:05.678Z",
      finishedAt: "2026-01-02T03:05:05.678Z",
      durationMs: 60_000,
      detail: {
        provider: "lighthouse",
        throttling: "simulate",
        strategies: ["mobile"],
        pages: [HOME, FAILED],
        seo_sample: { per_kind: 5, pages: [] },
      },
    });
  });
  return id;
}

test("GET /api/jobs/:id/pagespeed answers the step's pages, measured or failed", async () => {
  const id = await insertJob(true);
  const response = await gw.request(`/api/jobs/${id}/pagespeed`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({
    job: { id, domain: "maison.example", status: "processing" },
    pagespeed: {
      status: "completed",
      provider: "lighthouse",
      reason: null,
      strategies: ["mobile"],
      throttling: "simulate",
      started_at: "2026-01-02T03:04:05Z",
      finished_at: "2026-01-02T03:05:05Z",
      duration_ms: 60_000,
      pages: [HOME, FAILED],
    },
  });
});

test("a job whose step has not run is pending with no pages; unknown ids are 404", async () => {
  const id = await insertJob(false);
  const body = await (await gw.request(`/api/jobs/${id.toUpperCase()}/pagespeed`)).json();
  expect(body.pagespeed).toMatchObject({ status: "pending", provider: null, pages: [] });
  for (const bad of ["00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
    const response = await gw.request(`/api/jobs/${bad}/pagespeed`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: "Job not found" });
  }
});

test("the job JSON carries the SEO findings and the PageSpeed step's detail", async () => {
  const id = await insertJob(true);
  const { job } = await (await gw.request(`/api/jobs/${id}`)).json();
  expect(job.insights.seo).toEqual(SEO);
  const step = job.steps.find((s: { step: string }) => s.step === "pagespeed");
  expect(step.detail.pages).toEqual([HOME, FAILED]);
});

test("GET /api/reports/:id keeps the reference's shape", async () => {
  const store = generateDemoStore({ productCount: 3 });
  const id = await insertJob(false);
  await gw.svc.db.write(async (db) => {
    await db.insert(products).values(
      store.products.map((p) => ({
        jobId: id,
        productId: p.id,
        handle: p.handle,
        title: p.title,
        source: "products.json",
        data: p as unknown as Record<string, unknown>,
      })),
    );
    const c = store.collections[1];
    await db.insert(collections).values({
      jobId: id,
      handle: c?.handle ?? "c",
      collectionId: c?.id ?? null,
      title: c?.title ?? null,
      source: "collections.json",
      productHandles: c?.productHandles ?? [],
      data: { ...c, description: c?.description },
    });
    await db.insert(pages).values({
      jobId: id,
      handle: "about",
      pageId: 5,
      url: "https://maison.example/pages/about",
      title: "About",
      bodyHtml: "<p>Hi</p>",
    });
  });
  const response = await gw.request(`/api/reports/${id}`);
  expect(response.status).toBe(200);
  const report = await response.json();
  expect(Object.keys(report)).toEqual(["job", "counts", "products", "collections", "pages"]);
  expect(report.job).toEqual({ id, domain: "maison.example", status: "processing" });
  expect(report.counts).toEqual({ products: 3, collections: 1, pages: 1 });
  const first = store.products[0];
  const product = report.products.find((p: { id: number }) => p.id === first?.id);
  expect(Object.keys(product)).toEqual([
    "id",
    "title",
    "handle",
    "vendor",
    "product_type",
    "tags",
    "variants",
    "images",
  ]);
  expect(product.tags).toEqual(first?.tags);
  expect(product.variants[0]).toEqual({
    id: first?.variants[0]?.id,
    title: first?.variants[0]?.title,
    price: first?.variants[0]?.price,
    compare_at_price: first?.variants[0]?.compare_at_price,
    sku: first?.variants[0]?.sku,
    inventory_quantity: null,
  });
  expect(typeof product.variants[0].price).toBe("string");
  expect(Object.keys(product.images[0] ?? { src: 1, alt: 1 })).toEqual(["src", "alt"]);
  expect(Object.keys(report.collections[0])).toEqual([
    "id",
    "title",
    "handle",
    "body_html",
    "image",
    "product_handles",
  ]);
  expect(report.pages).toEqual([
    { id: 5, title: "About", handle: "about", body_html: "<p>Hi</p>" },
  ]);
  const missing = await gw.request("/api/reports/00000000-0000-4000-8000-000000000000");
  expect(missing.status).toBe(404);
  expect(await missing.json()).toMatchObject({ error: "Report not found" });
});

test("the OpenAPI document describes the pagespeed and report answers field by field", async () => {
  const doc = await (await gw.request("/api/openapi.json")).json();
  const pagespeed = doc.paths["/api/jobs/{id}/pagespeed"]?.get;
  const schema = pagespeed?.responses?.["200"]?.content?.["application/json"]?.schema;
  const pageItem = schema?.properties?.pagespeed?.properties?.pages?.items;
  expect(Object.keys(pageItem?.properties ?? {})).toEqual(
    expect.arrayContaining(["kind", "url", "strategy", "scores", "metrics", "error"]),
  );
  expect(pageItem.properties.metrics.properties.lcp_ms).toMatchObject({
    type: ["number", "null"],
    description: "Largest Contentful Paint, ms.",
  });
  const report = doc.paths["/api/reports/{id}"]?.get?.responses?.["200"]?.content;
  const variant =
    report?.["application/json"]?.schema?.properties?.products?.items?.properties?.variants?.items;
  expect(variant?.properties?.inventory_quantity?.description).toContain("stock");
});
