import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import { analyze, type AnalyzeResult } from "../../../scripts/lib/analyze.ts";
import { type StackHarness, startStackHarness } from "./stack-harness.ts";

// The four services run as processes; a job takes seconds, more on a busy machine.
setDefaultTimeout(120_000);

const DOMAIN = "seeded.shopsniffer.test";

/** The demo store with catalog problems planted on known products. */
function seededStore() {
  const store = generateDemoStore({ productCount: 12, domain: DOMAIN });
  const products = structuredClone([...store.products]);
  for (const i of [6, 7]) {
    const product = products[i];
    if (product) product.body_html = "";
  }
  const bare = products[8];
  if (bare) bare.images = [];
  return { ...store, products };
}

const store = seededStore();
const seeded = store.products[9]?.handle ?? "";
/** One product page served with planted problems: noindex, no JSON-LD, two images without alt. */
const SEEDED_HTML = `<!doctype html><html><head><title>Seeded</title>
<meta name="description" content="A seeded page"><meta name="robots" content="noindex">
<link rel="canonical" href="https://${DOMAIN}/products/${seeded}"></head>
<body><img src="/x.jpg"><img src="/y.jpg"><img src="/z.jpg" alt="z"></body></html>`;

let storefront: RunningStorefront;
let harness: StackHarness;
let result: AnalyzeResult;

beforeAll(async () => {
  storefront = await startStorefront(
    { store },
    {
      intercept: (request) =>
        new URL(request.url).pathname === `/products/${seeded}`
          ? new Response(SEEDED_HTML, { headers: { "content-type": "text/html" } })
          : undefined,
    },
  );
  harness = await startStackHarness({
    STORE_ORIGINS: `${DOMAIN}=${storefront.origin}`,
    SEO_SAMPLE_PER_KIND: "50",
  });
  result = await analyze({
    baseUrl: harness.stack.gatewayUrl,
    apiKey: harness.apiKey,
    domain: DOMAIN,
  });
}, 120_000);

afterAll(async () => {
  await harness?.stop();
  await storefront?.stop();
}, 30_000);

test("a job on a store with planted problems reports each one's count", () => {
  const job = result.job as Record<string, any>;
  expect(job.status).toBe("completed");
  const seo = job.insights.seo;
  const counts = Object.fromEntries(
    seo.checks.map((c: { id: string; count: number; checked: number }) => [c.id, c.count]),
  );
  const variants = store.products.flatMap((p) => p.variants);
  const plainText = (html: string) => html.replace(/<[^>]*>/g, "").trim();
  expect(counts).toMatchObject({
    page_fetch_failed: 0,
    noindex: 1,
    product_jsonld_missing: 1,
    image_alt_missing: 2,
    title_missing: 0,
    product_description_empty: store.products.filter((p) => !plainText(p.body_html)).length,
    product_without_images: store.products.filter((p) => p.images.length === 0).length,
    variant_without_sku: variants.filter((v) => !v.sku).length,
    sitemap_product_not_in_catalog: 0,
    product_not_in_sitemap: 0,
  });
  expect(counts.product_description_empty).toBeGreaterThanOrEqual(2);
  const pagesChecked = seo.checks.find((c: { id: string }) => c.id === "page_fetch_failed");
  const pageCount = store.collections.length + store.pages.length + store.products.length + 1;
  expect(pagesChecked.checked).toBe(pageCount);
  expect(seo.sampled_pages).toBe(pageCount);
  for (const area of ["seo", "content", "catalog"]) {
    expect(seo.scores[area]).toBeGreaterThan(0);
    expect(seo.scores[area]).toBeLessThanOrEqual(100);
  }
  const noindex = seo.findings.find((f: { id: string }) => f.id === "noindex");
  expect(noindex).toMatchObject({
    severity: "error",
    examples: [`https://${DOMAIN}/products/${seeded}`],
  });
  const step = job.steps.find((s: { step: string }) => s.step === "pagespeed");
  expect(step).toMatchObject({ status: "skipped", detail: { provider: "none" } });
});
