import { afterAll, beforeAll, expect, test } from "bun:test";
import { insertTestJob } from "@shopsniffer/shared/testing/jobs";
import { collections, jobs, pages, products } from "@shopsniffer/shared/db/schema";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { isoNow } from "@shopsniffer/shared/time";
import { eq, sql } from "drizzle-orm";
import { reportProduct, reportText } from "../src/routes/report-body.ts";
import { type GatewayHarness, startGateway } from "./harness.ts";

let gw: GatewayHarness;

beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw.stop();
});

const store = generateDemoStore({ productCount: 45, seed: 3 });

/** A job with the store's products (inserted in reverse id order), two collections, a page. */
async function insertCatalog(): Promise<string> {
  const id = crypto.randomUUID();
  const now = isoNow();
  const [first, second] = store.collections;
  await gw.svc.db.write(async (db) => {
    await db.insert(jobs).values({
      id,
      domain: "maison.example",
      slug: "maison-example",
      status: "completed",
      createdAt: now,
      updatedAt: now,
    });
    const rows = store.products.map((p) => ({
      jobId: id,
      productId: p.id,
      handle: p.handle,
      title: p.title,
      source: "products.json",
      data: p as unknown as Record<string, unknown>,
    }));
    await db.insert(products).values(rows.reverse());
    for (const c of [first, second]) {
      if (!c) continue;
      await db.insert(collections).values({
        jobId: id,
        handle: c.handle,
        collectionId: c.id,
        title: c.title,
        source: "collections.json",
        productHandles: c.productHandles,
        data: { ...c, description: c.description },
      });
    }
    await db.insert(pages).values({
      jobId: id,
      handle: "about",
      pageId: 5,
      url: "https://maison.example/pages/about",
      title: "About",
      bodyHtml: "<p>Hi \u2013 \u00e9t\u00e9</p>",
    });
  });
  return id;
}

/** The whole report as one object, as the route answered it before it streamed. */
async function expectedReport(id: string) {
  const { db } = gw.svc.db;
  const mine = await db.select().from(collections).where(eq(collections.jobId, id));
  const byId = [...store.products].sort((a, b) => a.id - b.id);
  return {
    job: { id, domain: "maison.example", status: "completed" },
    counts: { products: byId.length, collections: mine.length, pages: 1 },
    products: byId.map((p) => reportProduct(p as unknown as Record<string, unknown>)),
    collections: mine.map((row) => ({
      id: row.collectionId,
      title: row.title,
      handle: row.handle,
      body_html: typeof row.data.description === "string" ? row.data.description : null,
      image: row.data.image ?? null,
      product_handles: row.productHandles,
    })),
    pages: [
      { id: 5, title: "About", handle: "about", body_html: "<p>Hi \u2013 \u00e9t\u00e9</p>" },
    ],
  };
}

test("GET /api/reports/:id streams exactly the JSON of the whole report", async () => {
  const id = await insertCatalog();
  const response = await gw.request(`/api/reports/${id}`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toStartWith("application/json");
  const text = await response.text();
  expect(text).toBe(JSON.stringify(await expectedReport(id)));
});

test("the report is written one page of products at a time, in product id order", async () => {
  const id = await insertCatalog();
  const job = { id, domain: "maison.example", status: "completed" };
  const pieces: string[] = [];
  for await (const piece of await reportText(gw.svc.db, job, 7)) pieces.push(piece);
  // The head, ceil(45 / 7) = 7 pages of products, the tail.
  expect(pieces).toHaveLength(9);
  expect(pieces.join("")).toBe(JSON.stringify(await expectedReport(id)));
  const ids = JSON.parse(pieces.join("")).products.map((p: { id: number }) => p.id);
  expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b));
});

test("a job without products answers an empty list with zero counts", async () => {
  const id = await insertTestJob(gw.svc.db, { domain: "empty.example" });
  const text = await (await gw.request(`/api/reports/${id}`)).text();
  expect(JSON.parse(text)).toEqual({
    job: { id, domain: "empty.example", status: "processing" },
    counts: { products: 0, collections: 0, pages: 0 },
    products: [],
    collections: [],
    pages: [],
  });
});

// Last in this file: it drops a table of the harness's own database.
test("a database error before the products is an error answer, not a cut-short 200", async () => {
  const id = await insertCatalog();
  await gw.svc.db.write((db) => db.run(sql`drop table pages`));
  const response = await gw.request(`/api/reports/${id}`);
  expect(response.status).toBe(500);
  expect(await response.json()).toEqual({ error: "Internal server error", code: "internal" });
});
