import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { jobFiles, jobSteps, jobs } from "@shopsniffer/shared/db/schema";
import { ProgressReporter } from "@shopsniffer/shared/jobs/progress";
import { CHROMIUM_PATH, hasChromium, REPO_ROOT } from "@shopsniffer/shared/testing/env";
import { isoNow } from "@shopsniffer/shared/time";
import { type GatewayHarness, startGateway } from "./harness.ts";

/** Screenshots are kept here for people to look at; the folder is not committed. */
const ARTIFACTS = join(REPO_ROOT, "data", "test-artifacts");

let gw: GatewayHarness;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  gw = await startGateway();
  const server = gw.app.listen({ port: 0, hostname: "127.0.0.1" });
  baseUrl = `http://127.0.0.1:${server.server?.port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await gw?.app.stop(true);
  await gw?.stop();
});

/** Ten buckets from 8.9 to 100 with exact decimal edges, as the insights stage writes them. */
const HISTOGRAM = Array.from({ length: 10 }, (_, i) => ({
  from: Number((8.9 + 9.11 * i).toFixed(3)),
  to: Number((8.9 + 9.11 * (i + 1)).toFixed(3)),
  count: [12, 30, 41, 28, 20, 15, 9, 0, 3, 22][i] ?? 0,
}));

/** `insights.changes` against an earlier job of the store, as the insights stage writes it. */
const CHANGES = {
  previous_job_id: "11111111-1111-4111-8111-111111111111",
  previous_completed_at: "2025-06-01T01:00:00.000Z",
  products_added: { count: 2, examples: ["new-tee", "new-<cap>"] },
  products_removed: { count: 1, examples: ["old-tee"] },
  price_changes: {
    count: 5,
    increased: 3,
    decreased: 2,
    examples: [
      { handle: "sock", variant_id: 11, from: "0.10", to: "0.20" },
      { handle: "hat", variant_id: 12, from: "100.00", to: "99.99" },
    ],
  },
  restocks: { count: 1, examples: [{ handle: "scarf", variant_id: 13 }] },
  sell_outs: { count: 0, examples: [] },
};

/** `insights.seo` as the exporter writes it: scores per area and findings, worst first. */
const SEO = {
  scores: { seo: 71, content: 88, catalog: null },
  findings: [
    {
      id: "noindex",
      area: "seo",
      severity: "error",
      count: 1,
      checked: 6,
      examples: ["https://maison.example/collections/<x>"],
    },
    {
      id: "variant_without_sku",
      area: "catalog",
      severity: "notice",
      count: 12,
      checked: 180,
      examples: ["tee (S)", "tee (M)", "tee (L)", "cap (One)"],
    },
  ],
  not_checked: [{ id: "collection_empty", reason: "collections came from the sitemap" }],
  sampled_pages: 7,
};

async function insertJob(status: "completed" | "processing") {
  const id = crypto.randomUUID();
  const now = isoNow();
  await gw.svc.db.write(async (db) => {
    await db.insert(jobs).values({
      id,
      domain: "maison.example",
      slug: "maison-example",
      status,
      createdAt: now,
      updatedAt: now,
      completedAt: status === "completed" ? now : null,
      productCount: 60,
      collectionCount: 7,
      pageCount: 5,
      shopMeta: {
        shop_name: "Maison <Démo>",
        currency: "EUR",
        theme_name: "Dawn",
        theme_id: 123,
        apps: [{ name: "Klaviyo", category: "Email", evidence: "https://static.klaviyo.com/x.js" }],
      },
      insights: {
        currency: "EUR",
        price_range: { min: 8.9, max: 100, avg: 41.74 },
        top_vendors: [
          { name: "Atelier Lumière", count: 20 },
          { name: "Nordic Thread Co.", count: 15 },
          { name: "Herbes & Co.", count: 9 },
        ],
        product_types: [{ type: "T-Shirt", count: 30 }],
        variant_count: 180,
        tags: [
          { tag: "été <2025>", count: 12 },
          { tag: "bio", count: 7 },
        ],
        availability: {
          variants_available: 150,
          variants_total: 180,
          share: 0.8333,
          products_available: 57,
        },
        discounts: { count: 45, share: 0.25, avg_percent: 18.5, max_percent: 40 },
        variants: { min_per_product: 1, median_per_product: 3, max_per_product: 8 },
        price_histogram: HISTOGRAM,
        published: { as_of: now, last_30_days: 4, last_90_days: 11 },
        changes: CHANGES,
        seo: SEO,
      },
      downloads: { csv: "products.csv" },
    });
    await db.insert(jobSteps).values({
      jobId: id,
      step: "sitemap",
      status: "completed",
      startedAt: now,
      attempts: 1,
      durationMs: 12,
    });
    await db.insert(jobSteps).values({
      jobId: id,
      step: "pagespeed",
      status: "completed",
      startedAt: now,
      attempts: 1,
      detail: {
        provider: "psi",
        pages: [
          {
            kind: "home",
            url: "https://maison.example/",
            strategy: "mobile",
            scores: { performance: 87, accessibility: 100, best_practices: 96, seo: null },
            metrics: { lcp_ms: 2400.4, cls: 0.0123, tbt_ms: 150 },
          },
          {
            kind: "product",
            url: "https://maison.example/products/x",
            strategy: "mobile",
            error: "Lighthouse could not load the page",
          },
        ],
      },
    });
    await db.insert(jobFiles).values({
      jobId: id,
      key: "products.csv",
      contentType: "text/csv",
      sizeBytes: 3,
      createdAt: now,
    });
  });
  return id;
}

test.skipIf(!hasChromium)(
  "a completed job's report renders its charts without errors",
  async () => {
    const id = await insertJob("completed");
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.message));
    const response = await page.goto(`${baseUrl}/report/${id}`);
    expect(response?.status()).toBe(200);
    expect(await page.textContent("h1")).toBe("Maison <Démo>");
    expect(await page.locator("#chart-vendors g.bar").count()).toBe(3);
    const speed = await page.locator("#pagespeed-h + table tbody").textContent();
    expect(speed).toContain("87");
    expect(speed).toContain("2,400 ms");
    expect(speed).toContain("0.012");
    expect(speed).toContain("Lighthouse could not load the page");
    expect(await page.locator("#chart-types g.bar").count()).toBe(1);
    expect(await page.locator("#chart-prices g.bar").count()).toBe(HISTOGRAM.length);
    expect(await page.locator("#chart-prices title").first().textContent()).toContain("EUR");
    expect(await page.locator("#chart-availability g.bar").count()).toBe(2);
    expect(await page.locator("#chart-availability g.bar").allTextContents()).toEqual([
      expect.stringContaining("150"),
      expect.stringContaining("30"),
    ]);
    expect(await page.locator("#chart-discounts g.bar").count()).toBe(2);
    expect(await page.locator("#tags li").allTextContents()).toEqual(["été <2025> 12", "bio 7"]);
    const text = await page.textContent("main");
    expect(text).toContain("83.33% of variants available");
    expect(text).toContain("Average discount 18.5%, deepest 40%");
    expect(await page.locator("#seo-scores li").allTextContents()).toEqual([
      "71 SEO score",
      "88 Content score",
      "— Catalog score",
    ]);
    expect(await page.locator("#seo-findings tbody tr").allTextContents()).toEqual([
      expect.stringMatching(
        /^error\s*Pages marked noindex\s*1 of 6\s*https:\/\/maison\.example\/collections\/<x>$/,
      ),
      expect.stringMatching(
        /^notice\s*Variants without SKU\s*12 of 180\s*tee \(S\), tee \(M\), tee \(L\)$/,
      ),
    ]);
    expect(text).toContain("Not checked: Empty collections (collections came from the sitemap)");
    expect(await page.locator("#changes tr").allTextContents()).toEqual([
      expect.stringMatching(/^Products added\s*2\s*new-tee, new-<cap>$/),
      expect.stringMatching(/^Products removed\s*1\s*old-tee$/),
      expect.stringMatching(/^Price changes \(3 up, 2 down\)\s*5\s*sock 0\.10 → 0\.20, hat/),
      expect.stringMatching(/^Restocked variants\s*1\s*scarf #13$/),
      expect.stringMatching(/^Sold-out variants\s*0\s*$/),
    ]);
    const widths = await page
      .locator("#chart-vendors rect")
      .evaluateAll((rects) => rects.map((r) => (r as SVGGraphicsElement).getBBox().width));
    expect(widths[0]).toBeGreaterThan(widths[2] ?? Number.POSITIVE_INFINITY);
    expect(await page.locator("a[download]").getAttribute("href")).toContain(`jobId=${id}`);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "report-completed.png"), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  },
  // A browser page load and a full-page screenshot: seconds on a busy machine.
  30_000,
);

test.skipIf(!hasChromium)("a running job's report follows its progress live", async () => {
  const id = await insertJob("processing");
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(`${baseUrl}/report/${id}`);
  await new ProgressReporter(gw.svc.js, gw.svc.names, gw.svc.db).status(
    id,
    "indexing-products",
    0.5,
  );
  await page.waitForFunction(
    () => Number((document.getElementById("progress") as HTMLProgressElement).value) > 0.1,
    undefined,
    { timeout: 5_000 },
  );
  expect(await page.textContent("#progress-step")).toContain("indexing-products");
  expect(problems).toEqual([]);
  await page.close();
});

test.skipIf(!hasChromium)("an unknown report is a 404 page", async () => {
  const page = await browser.newPage();
  const response = await page.goto(`${baseUrl}/report/00000000-0000-4000-8000-000000000000`);
  expect(response?.status()).toBe(404);
  expect(await page.textContent("h1")).toBe("Report not found");
  await page.close();
});
