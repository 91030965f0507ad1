import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestWorld, hasRealFixtures, type TestWorld } from "@shopsniffer/shared/testing/env";
import { stageRunFor } from "@shopsniffer/shared/testing/stage-run";
import type { ExporterService } from "../src/config.ts";
import { PriceHistogram } from "../src/insights/price-histogram.ts";
import { insightsStage } from "../src/insights/stage.ts";
import {
  bootExporter,
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

/** Runs the stage on `list` for a job created at `asOf`, and returns its insights. */
async function insightsOf(list: RawProduct[], asOf: string) {
  const job = await insertJob(svc, { shopMeta: { currency: "EUR" }, createdAt: asOf });
  await insertProducts(svc, job.id, list);
  await insightsStage(svc).handle(await stageRunFor(svc, job.id, "insights", "insights"));
  return (await reload(svc, job.id)).insights as Record<string, unknown>;
}

type Variant = [price: string, compareAt: string | null, available: boolean];

function product(id: number, variants: Variant[], extra: Partial<RawProduct> = {}): RawProduct {
  return {
    id,
    title: `Product ${id}`,
    handle: `product-${id}`,
    vendor: "Acme",
    product_type: "Widget",
    variants: variants.map(([price, compare_at_price, available], i) => ({
      id: id * 100 + i,
      price,
      compare_at_price,
      available,
    })),
    ...extra,
  };
}

/** Four products with prices whose float arithmetic drifts (0.1 + 1.989 * 3, 21.88 / 6). */
const HAND_MADE: RawProduct[] = [
  product(
    1,
    [
      ["0.10", "0.30", true],
      ["0.20", "0.20", false],
      ["0.30", null, true],
    ],
    {
      tags: ["Sale", " new ", "Summer"],
      options: [{ name: "Size" }],
      published_at: "2025-06-20T10:00:00+02:00",
    },
  ),
  product(
    2,
    [
      ["19.99", "29.99", false],
      ["0.99", "1.00", false],
    ],
    {
      tags: "Sale, Winter, Sale",
      options: [{ name: "Size" }, { name: "Color" }],
      published_at: "2025-04-15T00:00:00Z",
    },
  ),
  product(3, [], { tags: [], options: [], published_at: null }),
  product(4, [["0.30", "0.00", true]], {
    tags: ["Summer"],
    options: [{ name: "Color" }],
    published_at: "2025-07-15T00:00:00Z",
  }),
];

describe("richer insights on a hand-made catalog", () => {
  test("every new field matches figures worked out by hand", async () => {
    const insights = await insightsOf(HAND_MADE, "2025-06-30T00:00:00.000Z");
    // (0.10 + 0.20 + 0.30 + 19.99 + 0.99 + 0.30) / 6 = 3.6466…
    expect(insights.price_range).toEqual({ min: 0.1, max: 19.99, avg: 3.65 });
    expect(insights.tags).toEqual([
      { tag: "Sale", count: 2 },
      { tag: "Summer", count: 2 },
      { tag: "Winter", count: 1 },
      { tag: "new", count: 1 },
    ]);
    expect(insights.availability).toEqual({
      variants_available: 3,
      variants_total: 6,
      variants_unknown: 0,
      share: 0.5,
      products_available: 2,
    });
    // 0.10 under 0.30: 66.666…%; 19.99 under 29.99: 33.3444…%; 0.99 under 1.00: 1%.
    // Equal prices and a "0.00" compare-at price are not discounts.
    expect(insights.discounts).toEqual({
      count: 3,
      share: 0.5,
      avg_percent: 33.67,
      max_percent: 66.67,
    });
    expect(insights.variants).toEqual({
      min_per_product: 0,
      median_per_product: 1.5,
      max_per_product: 3,
      option_names: [
        { name: "Color", count: 2 },
        { name: "Size", count: 2 },
      ],
    });
    expect(insights.published).toEqual({
      as_of: "2025-06-30T00:00:00.000Z",
      last_30_days: 1,
      last_90_days: 2,
    });
  });

  test("the price histogram has ten exact-edged buckets from the lowest to the highest price", async () => {
    const insights = await insightsOf(HAND_MADE, "2025-06-30T00:00:00.000Z");
    // Width (19.99 - 0.10) / 10 = 1.989; edges are exact decimals, not 0.1 + 1.989 * i.
    const edges = ["0.1", "2.089", "4.078", "6.067", "8.056", "10.045", "12.034", "14.023"]
      .concat(["16.012", "18.001", "19.99"])
      .map(Number);
    const expected = edges.slice(0, -1).map((from, i) => ({
      from,
      to: edges[i + 1],
      count: i === 0 ? 5 : i === 9 ? 1 : 0,
    }));
    expect(insights.price_histogram).toEqual(expected);
  });
});

describe("price histogram", () => {
  const histogramOf = (prices: string[]) => {
    const histogram = new PriceHistogram();
    for (const price of prices) histogram.add(price);
    return histogram.result();
  };

  test("puts a price on an edge in the upper bucket and the maximum in the last", () => {
    const buckets = histogramOf(["0.10", "0.12", "0.16", "0.30", "0.3"]);
    expect(buckets.map((b) => b.count)).toEqual([1, 1, 0, 1, 0, 0, 0, 0, 0, 2]);
    expect(buckets.map((b) => b.from)).toEqual(
      [0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.22, 0.24].concat([0.26, 0.28]),
    );
    expect(buckets.at(-1)).toEqual({ from: 0.28, to: 0.3, count: 2 });
  });

  test("gives one bucket when every price is the same, and none without prices", () => {
    expect(histogramOf(["5.00", "5", "5.0"])).toEqual([{ from: 5, to: 5, count: 3 }]);
    expect(histogramOf([])).toEqual([]);
  });
});

/** Cents of a decimal string, by string surgery rather than floating point. */
function cents(price: string): number {
  const [whole = "0", fraction = ""] = price.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0").slice(0, 2));
}

/** `[key, count]` pairs by count descending, then key in code-unit order. */
function rank(counts: Map<string, number>): Array<[string, number]> {
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function countInto(counts: Map<string, number>, keys: Iterable<string>) {
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
}

type MylubieVariant = { price: string; compare_at_price: string | null; available: boolean };
type MylubieProduct = RawProduct & {
  tags: string[];
  options: Array<{ name: string }>;
  published_at: string;
  variants: MylubieVariant[];
};

describe("richer insights on the real mylubie catalog", () => {
  if (!hasRealFixtures) console.warn("mylubie fixture absent: its richer-insights test skips");

  test.skipIf(!hasRealFixtures)("match an independent count of the fixture data", async () => {
    const list = mylubieProducts() as MylubieProduct[];
    const asOf = "2025-03-01T00:00:00.000Z";
    const insights = await insightsOf(list, asOf);
    const variants = list.flatMap((p) => p.variants);

    const tags = new Map<string, number>();
    for (const p of list) countInto(tags, new Set(p.tags.map((t) => t.trim()).filter(Boolean)));
    expect(insights.tags).toEqual(
      rank(tags)
        .slice(0, 20)
        .map(([tag, count]) => ({ tag, count })),
    );

    const available = variants.filter((v) => v.available).length;
    expect(insights.availability).toEqual({
      variants_available: available,
      variants_total: variants.length,
      variants_unknown: 0,
      share: Math.round((available / variants.length) * 10_000) / 10_000,
      products_available: list.filter((p) => p.variants.some((v) => v.available)).length,
    });

    const discounted = variants.filter(
      (v) => v.compare_at_price !== null && cents(v.compare_at_price) > cents(v.price),
    );
    expect((insights.discounts as { count: number }).count).toBe(discounted.length);

    const sizes = list.map((p) => p.variants.length).sort((a, b) => a - b);
    const mid = sizes.length / 2;
    const options = new Map<string, number>();
    for (const p of list) countInto(options, new Set(p.options.map((o) => o.name)));
    expect(insights.variants).toEqual({
      min_per_product: sizes[0],
      median_per_product: ((sizes[Math.ceil(mid) - 1] ?? 0) + (sizes[Math.floor(mid)] ?? 0)) / 2,
      max_per_product: sizes.at(-1),
      option_names: rank(options).map(([name, count]) => ({ name, count })),
    });

    expect(insights.price_histogram).toEqual(histogramByCents(variants.map((v) => cents(v.price))));

    const ageDays = list.map((p) => (Date.parse(asOf) - Date.parse(p.published_at)) / 86_400_000);
    expect(insights.published).toEqual({
      as_of: asOf,
      last_30_days: ageDays.filter((d) => d >= 0 && d <= 30).length,
      last_90_days: ageDays.filter((d) => d >= 0 && d <= 90).length,
    });
  });
});

/** Ten buckets in integer tenths of a cent: edge i is min + i * (max - min) / 10. */
function histogramByCents(all: number[]) {
  const min = Math.min(...all);
  const max = Math.max(...all);
  const span = max - min;
  const tenths = (i: number) => min * 10 + i * span;
  const buckets = Array.from({ length: 10 }, (_, i) => ({
    from: tenths(i) / 1000,
    to: tenths(i + 1) / 1000,
    count: 0,
  }));
  for (const price of all) {
    const index = Math.min(9, Math.floor(((price - min) * 10) / span));
    const bucket = buckets[index];
    if (bucket) bucket.count += 1;
  }
  return buckets;
}
