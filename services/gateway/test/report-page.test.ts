import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { jobFiles, jobSteps, jobs } from "@shopsniffer/shared/db/schema";
import { ProgressReporter } from "@shopsniffer/shared/jobs/progress";
import { REPO_ROOT } from "@shopsniffer/shared/testing/env";
import { isoNow } from "@shopsniffer/shared/time";
import { type GatewayHarness, startGateway } from "./harness.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`no Chromium at ${CHROMIUM}; report page browser tests skip`);
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
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await gw?.app.stop(true);
  await gw?.stop();
});

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
    await db.insert(jobFiles).values({
      jobId: id,
      key: "products.csv",
      contentType: "text/csv",
      sizeBytes: 3,
      body: Buffer.from("a,b"),
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
    expect(await page.locator("#chart-types g.bar").count()).toBe(1);
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
