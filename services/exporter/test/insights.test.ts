import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jobSteps } from "@shopsniffer/shared/db/schema";
import { createTestWorld, hasRealFixtures, type TestWorld } from "@shopsniffer/shared/testing/env";
import { stageRunFor } from "@shopsniffer/shared/testing/stage-run";
import { eq } from "drizzle-orm";
import type { ExporterService } from "../src/config.ts";
import { insightsStage } from "../src/insights/stage.ts";
import {
  bootExporter,
  handMadeProduct,
  insertJob,
  insertProducts,
  mylubieProducts,
  type RawProduct,
  reload,
} from "./helpers.ts";

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

async function runInsights(list: RawProduct[], shopMeta: Record<string, unknown> | null) {
  const job = await insertJob(svc, { shopMeta });
  await insertProducts(svc, job.id, list);
  await insightsStage(svc).handle(await stageRunFor(svc, job.id, "insights", "insights"));
  return reload(svc, job.id);
}

/** Cents of a decimal string, by string surgery rather than floating point. */
function cents(price: string): number {
  const [whole = "0", fraction = ""] = price.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0").slice(0, 2));
}

describe("insights", () => {
  test("averages prices exactly: 0.10 and 0.20 give 0.15", async () => {
    const job = await runInsights([handMadeProduct(1, ["0.10", "0.20"])], { currency: "EUR" });
    expect(job.insights?.price_range).toEqual({ min: 0.1, max: 0.2, avg: 0.15 });
    expect(job.insights?.currency).toBe("EUR");
  });

  test("rounds the average half up to two decimals", async () => {
    const list = [handMadeProduct(1, ["0.01", "0.02"]), handMadeProduct(2, ["19.99"])];
    const job = await runInsights(list, null);
    // (0.01 + 0.02 + 19.99) / 3 = 6.67333…
    expect(job.insights?.price_range).toEqual({ min: 0.01, max: 19.99, avg: 6.67 });
    const half = await runInsights([handMadeProduct(3, ["0.01", "0.02"])], null);
    // 0.015 rounds up, where 0.015.toFixed(2) in floating point gives "0.01".
    expect(half.insights?.price_range).toEqual({ min: 0.01, max: 0.02, avg: 0.02 });
    expect(job.insights?.currency).toBeNull();
  });

  test("ranks vendors and types by count then name, leaving blanks out", async () => {
    const list = [
      handMadeProduct(1, ["1.00"], { vendor: "Zeta", product_type: "B" }),
      handMadeProduct(2, ["1.00"], { vendor: "Alpha", product_type: "A" }),
      handMadeProduct(3, ["1.00"], { vendor: "Zeta", product_type: "" }),
      handMadeProduct(4, ["1.00"], { vendor: "Beta", product_type: "A" }),
    ];
    const job = await runInsights(list, null);
    expect(job.insights?.top_vendors).toEqual([
      { name: "Zeta", count: 2 },
      { name: "Alpha", count: 1 },
      { name: "Beta", count: 1 },
    ]);
    expect(job.insights?.product_types).toEqual([
      { type: "A", count: 2 },
      { type: "B", count: 1 },
    ]);
  });

  test("gives a null price range and zero counts for an empty catalog", async () => {
    const job = await runInsights([], { currency: "USD" });
    expect(job.insights).toMatchObject({
      top_vendors: [],
      price_range: null,
      product_types: [],
      currency: "USD",
      product_count: 0,
      variant_count: 0,
      tags: [],
      availability: {
        variants_available: 0,
        variants_total: 0,
        variants_unknown: 0,
        share: 0,
        products_available: 0,
      },
      discounts: { count: 0, share: 0, avg_percent: null, max_percent: null },
      variants: { min_per_product: 0, median_per_product: 0, max_per_product: 0, option_names: [] },
      price_histogram: [],
      published: { last_30_days: 0, last_90_days: 0 },
    });
  });

  test.skipIf(!hasRealFixtures)("matches an independent count of the mylubie catalog", async () => {
    const list = mylubieProducts();
    const job = await runInsights(list, { currency: "EUR" });
    const prices = list.flatMap((p) =>
      (p.variants as Array<{ price: string }>).map((v) => v.price),
    );
    const all = prices.map(cents);
    const sum = all.reduce((a, b) => a + b, 0);
    const avgCents = Math.floor((2 * sum + all.length) / (2 * all.length));
    const vendors = new Map<string, number>();
    for (const p of list) vendors.set(String(p.vendor), (vendors.get(String(p.vendor)) ?? 0) + 1);

    expect(job.insights?.price_range).toEqual({
      min: Math.min(...all) / 100,
      max: Math.max(...all) / 100,
      avg: avgCents / 100,
    });
    expect(job.insights?.top_vendors).toEqual(
      [...vendors].sort((a, b) => b[1] - a[1]).map(([name, count]) => ({ name, count })),
    );
    expect(job.insights?.product_count).toBe(30);
    expect(job.insights?.variant_count).toBe(prices.length);
    const typed = list.filter((p) => String(p.product_type).trim() !== "").length;
    const typeTotal = ((job.insights?.product_types ?? []) as Array<{ count: number }>).reduce(
      (a, t) => a + t.count,
      0,
    );
    expect(typeTotal).toBe(typed);
    const [step] = await svc.db.db.select().from(jobSteps).where(eq(jobSteps.jobId, job.id));
    expect(step?.status).toBe("completed");
  });
});
