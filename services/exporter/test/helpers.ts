import { readFileSync } from "node:fs";
import { join } from "node:path";
import { collections, type jobs, pages, products } from "@shopsniffer/shared/db/schema";
import { getJob, type JobRow } from "@shopsniffer/shared/jobs/state";
import { bootService } from "@shopsniffer/shared/service";
import { REAL_FIXTURES } from "@shopsniffer/shared/testing/env";
import { insertTestJob } from "@shopsniffer/shared/testing/jobs";
import { type ExporterService, exporterConfigSchema } from "../src/config.ts";

export type RawProduct = Record<string, unknown> & { id: number; handle: string; title: string };

/** The 30 real EUR products of mylubie.com (only when the real fixtures are present). */
export function mylubieProducts(): RawProduct[] {
  const file = join(REAL_FIXTURES, "mylubie", "products-array.json");
  return JSON.parse(readFileSync(file, "utf8")) as RawProduct[];
}

export async function bootExporter(env: Record<string, string>): Promise<ExporterService> {
  return bootService("exporter", exporterConfigSchema, env);
}

/** Inserts a processing job and returns its row. */
export async function insertJob(
  svc: ExporterService,
  extra: Partial<typeof jobs.$inferInsert> = {},
): Promise<JobRow> {
  return reload(svc, await insertTestJob(svc.db, { domain: "shop.example.com", ...extra }));
}

export async function reload(svc: ExporterService, jobId: string): Promise<JobRow> {
  const job = await getJob(svc.db, jobId);
  if (!job) throw new Error(`job ${jobId} missing`);
  return job;
}

/** Stores raw products the way the crawler does. */
export async function insertProducts(svc: ExporterService, jobId: string, list: RawProduct[]) {
  if (list.length === 0) return;
  await svc.db.write((db) =>
    db.insert(products).values(
      list.map((p) => ({
        jobId,
        productId: p.id,
        handle: p.handle,
        title: p.title,
        vendor: typeof p.vendor === "string" ? p.vendor : null,
        productType: typeof p.product_type === "string" ? p.product_type : null,
        source: "products.json",
        data: p,
      })),
    ),
  );
}

export async function insertCollection(
  svc: ExporterService,
  jobId: string,
  data: Record<string, unknown> & { handle: string },
  productHandles: string[],
) {
  await svc.db.write((db) =>
    db.insert(collections).values({
      jobId,
      handle: data.handle,
      collectionId: typeof data.id === "number" ? data.id : null,
      title: typeof data.title === "string" ? data.title : null,
      source: "collections.json",
      productHandles,
      data,
    }),
  );
}

export async function insertPage(
  svc: ExporterService,
  jobId: string,
  page: { handle: string; id: number | null; title: string | null; bodyHtml: string | null },
) {
  await svc.db.write((db) =>
    db.insert(pages).values({
      jobId,
      handle: page.handle,
      pageId: page.id,
      url: `https://shop.example.com/pages/${page.handle}`,
      title: page.title,
      bodyHtml: page.bodyHtml,
    }),
  );
}

/** A product in the `/products.json` shape with the given variant prices. */
export function handMadeProduct(
  id: number,
  prices: string[],
  extra: Partial<RawProduct> = {},
): RawProduct {
  return {
    id,
    title: `Product ${id}`,
    handle: `product-${id}`,
    body_html: "<p>Test</p>",
    published_at: "2025-01-01T00:00:00+01:00",
    vendor: "Acme",
    product_type: "Widget",
    tags: [],
    options: [{ name: "Size", position: 1, values: prices.map((_, i) => `S${i}`) }],
    images: [],
    variants: prices.map((price, i) => ({
      id: id * 100 + i,
      title: `S${i}`,
      option1: `S${i}`,
      option2: null,
      option3: null,
      sku: `SKU-${id}-${i}`,
      requires_shipping: true,
      taxable: true,
      featured_image: null,
      price,
      grams: 100,
      compare_at_price: null,
    })),
    ...extra,
  };
}

/** Polls `read` until `done` holds for its value, or throws after `timeoutMs`. */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`never matched: ${JSON.stringify(value)}`);
    await Bun.sleep(20);
  }
}
