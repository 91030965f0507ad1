import { afterAll, beforeAll, expect, test } from "bun:test";
import { openStorage } from "@shopsniffer/shared/storage/open-storage";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { createTestWorld, type TestWorld } from "@shopsniffer/shared/testing/env";
import { stageRunFor } from "@shopsniffer/shared/testing/stage-run";
import { parse } from "csv-parse/sync";
import type { ExporterService } from "../src/config.ts";
import { exportStage } from "../src/export/stage.ts";
import { bootExporter, insertJob, insertProducts, type RawProduct } from "./helpers.ts";

/**
 * The columns of Shopify's product import template (help.shopify.com, "Using CSV files to
 * import and export products"), written out here independently of the exporter. The
 * importer accepts any subset that includes `Handle`, in any order, and refuses unknown ones.
 */
const SHOPIFY_TEMPLATE_COLUMNS = new Set([
  "Handle",
  "Title",
  "Body (HTML)",
  "Vendor",
  "Product Category",
  "Type",
  "Tags",
  "Published",
  "Option1 Name",
  "Option1 Value",
  "Option2 Name",
  "Option2 Value",
  "Option3 Name",
  "Option3 Value",
  "Variant SKU",
  "Variant Grams",
  "Variant Inventory Tracker",
  "Variant Inventory Qty",
  "Variant Inventory Policy",
  "Variant Fulfillment Service",
  "Variant Price",
  "Variant Compare At Price",
  "Variant Requires Shipping",
  "Variant Taxable",
  "Variant Barcode",
  "Image Src",
  "Image Position",
  "Image Alt Text",
  "Gift Card",
  "SEO Title",
  "SEO Description",
  "Variant Image",
  "Variant Weight Unit",
  "Variant Tax Code",
  "Cost per item",
  "Status",
]);

let world: TestWorld;
let svc: ExporterService;
let products: RawProduct[];
let header: string[];
let rows: Array<Record<string, string>>;
let raw: string;

beforeAll(async () => {
  world = await createTestWorld();
  svc = await bootExporter(world.env);
  // Multi-option variants, HTML with quotes, commas and line breaks, non-ASCII, extra images.
  products = generateDemoStore({ productCount: 120, seed: 11 }).products as unknown as RawProduct[];
  const job = await insertJob(svc);
  await insertProducts(svc, job.id, products);
  await exportStage(svc).handle(await stageRunFor(svc, job.id, "export", "export"));
  const stored = await openStorage(svc.config).get(job.id, "products.csv");
  raw = await new Response(stored?.body).text();
  [header = []] = parse(raw, { to_line: 1 }) as string[][];
  rows = parse(raw, { columns: true, relax_column_count: false });
});

afterAll(async () => {
  await svc?.close();
  await world?.stop();
});

test("the header is a subset of Shopify's template with Handle, without repeats", () => {
  expect(header).toContain("Handle");
  expect(header).toContain("Title");
  expect(header.filter((c) => !SHOPIFY_TEMPLATE_COLUMNS.has(c))).toEqual([]);
  expect(new Set(header).size).toBe(header.length);
});

test("every variant has exactly one row, with its product's rows together", () => {
  const variantRows = rows.filter((r) => r["Variant Price"]);
  const expected = products.flatMap((p) =>
    (p.variants as Array<Record<string, unknown>>).map((v) =>
      [p.handle, v.option1 ?? "", v.option2 ?? "", v.option3 ?? "", v.price].join("|"),
    ),
  );
  const actual = variantRows.map((r) =>
    [r.Handle, r["Option1 Value"], r["Option2 Value"], r["Option3 Value"], r["Variant Price"]].join(
      "|",
    ),
  );
  expect(actual.sort()).toEqual(expected.sort());
  const order = rows.map((r) => r.Handle);
  const firstSeen = new Map<string, number>();
  order.forEach((h, i) => {
    if (!firstSeen.has(h ?? "")) firstSeen.set(h ?? "", i);
  });
  const contiguous = order.every(
    (h, i) => i === 0 || h === order[i - 1] || firstSeen.get(h ?? "") === i,
  );
  expect(contiguous).toBe(true);
});

test("the first row of a product carries its fields; image rows carry only image fields", () => {
  for (const product of products) {
    const own = rows.filter((r) => r.Handle === product.handle);
    expect(own[0]?.Title).toBe(String(product.title));
    expect(own[0]?.["Body (HTML)"]).toBe(String(product.body_html ?? ""));
    expect(own.slice(1).every((r) => r.Title === "")).toBe(true);
    const imageOnly = own.filter((r) => !r["Variant Price"]);
    for (const row of imageOnly) {
      const filled = Object.entries(row)
        .filter(([, v]) => v !== "")
        .map(([k]) => k);
      expect(
        filled.every((k) =>
          ["Handle", "Image Src", "Image Position", "Image Alt Text"].includes(k),
        ),
      ).toBe(true);
    }
  }
});

test("quoting follows RFC 4180: fields with commas, quotes or line breaks survive", () => {
  const tricky = products.find((p) => /[",\n]/.test(String(p.body_html)));
  expect(tricky).toBeDefined();
  expect(raw).toContain("\r\n");
  expect(raw.charCodeAt(0)).not.toBe(0xfeff);
  expect(rows.find((r) => r.Handle === tricky?.handle)?.["Body (HTML)"]).toBe(
    String(tricky?.body_html),
  );
});
