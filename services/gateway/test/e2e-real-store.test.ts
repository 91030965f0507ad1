import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "csv-parse/sync";
import { connect, type NatsConnection } from "nats";
import { hasChromium, hasRealFixtures, REAL_FIXTURES } from "@shopsniffer/shared/testing/env";
import { loadFixtureStore } from "@shopsniffer/shared/storefront/fixture-store";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import { analyze, type AnalyzeResult } from "../../../scripts/lib/analyze.ts";
import { eventJsonSchemas } from "../../../scripts/lib/events-doc.ts";
import { type StackHarness, startStackHarness } from "./stack-harness.ts";

// These tests run the four services as processes; a job takes seconds, not milliseconds.
setDefaultTimeout(90_000);

// The purecane.com captures (sitemaps, home page) with mylubie.com's real products.json list.
const STEPS = [
  "sitemap",
  "audit",
  "indexing-products",
  "indexing-collections",
  "indexing-pages",
  "pagespeed",
  "insights",
  "export",
  "notify-callbacks",
];

let store: RunningStorefront;
let tapConnection: NatsConnection | undefined;
let harness: StackHarness;
let result: AnalyzeResult;
let realProducts: Array<Record<string, any>>;
const tapped: Array<{ subject: string; event: Record<string, any> }> = [];

beforeAll(async () => {
  if (!hasRealFixtures) return;
  realProducts = JSON.parse(
    readFileSync(join(REAL_FIXTURES, "mylubie/products-array.json"), "utf8"),
  );
  store = await startStorefront(
    {
      fixture: loadFixtureStore({
        roots: [join(REAL_FIXTURES, "purecane")],
        productsArrayFile: join(REAL_FIXTURES, "mylubie/products-array.json"),
      }),
    },
    {
      // The one captured purecane product page would add its product through the JSON-LD
      // fallback (tested in the crawler); here the catalog is exactly the real list.
      intercept: (request) =>
        new URL(request.url).pathname.startsWith("/products/purecane-intro-bundle")
          ? new Response("Not Found", { status: 404 })
          : undefined,
    },
  );
  harness = await startStackHarness({ STORE_ORIGINS: `purecane.com=${store.origin}` });
  // An analytics tap: a plain NATS client with a core subscription, nothing of ours.
  const tap = await connect({ servers: harness.world.env.NATS_URL });
  tap.subscribe("shopsniffer.events.>", {
    callback: (_error, msg) => tapped.push({ subject: msg.subject, event: msg.json() }),
  });
  tapConnection = tap;
  result = await analyze({
    baseUrl: harness.stack.gatewayUrl,
    apiKey: harness.apiKey,
    domain: "https://purecane.com/",
  });
  console.log(`e2e: job on the 30-product real list took ${result.elapsedMs} ms`);
}, 90_000);

afterAll(async () => {
  await tapConnection?.close();
  await harness?.stop();
  await store?.stop();
}, 30_000);

const download = (key: string) =>
  fetch(`${harness.stack.gatewayUrl}/api/downloads?jobId=${result.job.id}&key=${key}`);

test.skipIf(!hasRealFixtures)("a job on real store data completes with the data's counts", () => {
  const job = result.job as Record<string, any>;
  expect(result.job.status).toBe("completed");
  expect(result.job.product_count).toBe(realProducts.length);
  expect(result.job.page_count).toBe(24);
  expect(result.job.collection_count).toBe(11);
  expect(job.shop_meta.theme_name).toBe("6/1 Cont/Vis-ECOM-Kimberly  (024f31e)");
  expect(job.shop_meta.theme_id).toBe(121738854499);
  expect(job.shop_meta.currency).toBe("USD");
  const vendorTotal = job.insights.top_vendors.reduce((n: number, v: any) => n + v.count, 0);
  expect(vendorTotal).toBeLessThanOrEqual(realProducts.length);
  const steps = job.steps as Array<Record<string, any>>;
  expect(steps.map((s) => s.step)).toEqual(STEPS);
  for (const step of steps) {
    expect(step.started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(step.duration_ms).toBeGreaterThanOrEqual(0);
  }
  expect(steps.reduce((sum, s) => sum + s.duration_ms, 0)).toBeGreaterThan(0);
  const products = steps.find((s) => s.step === "indexing-products");
  expect(products?.detail.coverage).toMatchObject({ from_lists: realProducts.length });
  // The sitemap's purecane products are not in the (mylubie) list: the catalog is partial.
  expect(products?.detail.outcome).toBe("partial");
  expect(job.outcome).toBe("partial");
  expect(steps.find((s) => s.step === "pagespeed")).toMatchObject({ status: "skipped" });
  expect(result.job.downloads).toEqual({
    csv: "products.csv",
    productsJson: "products.json",
    collectionsJson: "collections.json",
    pagesJson: "pages.json",
    // The audit renders the home page, and keeps a screenshot, when Chromium is present.
    ...(hasChromium ? { screenshot: "screenshot.png" } : {}),
  });
});

test.skipIf(!hasRealFixtures)("the WebSocket sequence is complete and ordered", () => {
  const { messages } = result;
  expect(messages.at(-1)).toMatchObject({
    type: "complete",
    job_id: result.job.id,
    outcome: "partial",
  });
  const productsStep = messages.find((m) => m.type === "step" && m.step === "indexing-products");
  expect(productsStep?.outcome).toBe("partial");
  expect(String(messages.at(-1)?.report_url)).toEndWith(`/report/${result.job.id}`);
  const finished = messages.filter((m) => m.type === "step").map((m) => m.step);
  expect(finished).toEqual(STEPS);
  const progress = messages.filter((m) => m.type === "status").map((m) => Number(m.progress));
  expect(progress).toEqual([...progress].sort((a, b) => a - b));
  expect(progress.at(-1)).toBe(1);
  const counts = messages.filter((m) => m.type === "status").map((m) => Number(m.product_count));
  expect(counts).toEqual([...counts].sort((a, b) => a - b));
  expect(new Set(counts).size).toBeGreaterThan(1);
});

test.skipIf(!hasRealFixtures)("exports parse back to the same values", async () => {
  const csv = await download("products.csv");
  expect(csv.headers.get("content-type")).toStartWith("text/csv");
  const rows: Array<Record<string, string>> = parse(await csv.text(), { columns: true, bom: true });
  const byHandle = new Map(realProducts.map((p) => [p.handle, p]));
  expect(new Set(rows.map((r) => r.Handle))).toEqual(new Set(byHandle.keys()));
  for (const row of rows.filter((r) => r.Title)) {
    expect(row.Title).toBe(byHandle.get(row.Handle)?.title);
  }
  const prices = rows
    .filter((r) => r["Variant Price"])
    .map((r) => r["Variant Price"])
    .sort();
  const expected = realProducts.flatMap((p) => p.variants.map((v: any) => v.price)).sort();
  expect(prices).toEqual(expected);

  const products = await (await download("products.json")).json();
  expect(products.map((p: any) => p.id).sort()).toEqual(realProducts.map((p) => p.id).sort());
  expect((await (await download("collections.json")).json()).length).toBe(11);
  const pages = await (await download("pages.json")).json();
  expect(pages.length).toBe(24);
  expect((await download("pages.json")).headers.get("content-type")).toStartWith(
    "application/json",
  );
});

test.skipIf(!hasRealFixtures)(
  "a NATS tap sees the job's events as docs/events.md describes",
  async () => {
    await Bun.sleep(200);
    const ajv = new Ajv2020({ allErrors: true, validateFormats: false });
    const schemas = eventJsonSchemas();
    const mine = tapped.filter((t) => t.event.job_id === result.job.id);
    for (const { subject, event } of mine) {
      const name = subject.replace("shopsniffer.events.", "");
      const validate = ajv.compile(schemas[name] ?? {});
      expect({ name, valid: validate(event), errors: validate.errors }).toEqual({
        name,
        valid: true,
        errors: null,
      });
    }
    const names = mine.map((t) => t.subject.replace("shopsniffer.events.", ""));
    expect(names[0]).toBe("job.created");
    expect(names.at(-1)).toBe("job.completed");
    expect(
      mine.filter((t) => t.subject.endsWith("step.completed")).map((t) => t.event.step),
    ).toEqual(STEPS);
    expect(mine.at(-1)?.event).toMatchObject({
      status: "completed",
      product_count: realProducts.length,
      page_count: 24,
      outcome: "partial",
    });
  },
);
