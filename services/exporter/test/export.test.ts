import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jobFiles } from "@shopsniffer/shared/db/schema";
import { openStorage } from "@shopsniffer/shared/storage/open-storage";
import { createTestWorld, hasRealFixtures, type TestWorld } from "@shopsniffer/shared/testing/env";
import { stageRunFor } from "@shopsniffer/shared/testing/stage-run";
import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import type { ExporterService } from "../src/config.ts";
import { CSV_COLUMNS } from "../src/export/csv-columns.ts";
import { exportStage } from "../src/export/stage.ts";
import {
  bootExporter,
  handMadeProduct,
  insertCollection,
  insertJob,
  insertPage,
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

interface Variant {
  price: string;
  title: string;
  option1: string | null;
  sku: string;
}

async function runExport(list: RawProduct[]) {
  const job = await insertJob(svc);
  await insertProducts(svc, job.id, list);
  await insertCollection(svc, job.id, { id: 7, handle: "all-in", title: "Tout à 10 €" }, [
    "product-1",
  ]);
  await insertPage(svc, job.id, {
    handle: "about",
    id: 9,
    title: "À propos",
    bodyHtml: "<p>Hi</p>",
  });
  await insertPage(svc, job.id, { handle: "gone", id: null, title: null, bodyHtml: null });
  await exportStage(svc).handle(await stageRunFor(svc, job.id, "export", "export"));
  const rows = await svc.db.db.select().from(jobFiles).where(eq(jobFiles.jobId, job.id));
  const storage = openStorage(svc.config);
  const files = new Map<string, (typeof rows)[number] & { body: Buffer }>();
  for (const row of rows) {
    const stored = await storage.get(job.id, row.key);
    if (!stored) throw new Error(`${row.key} missing from storage`);
    files.set(row.key, {
      ...row,
      body: Buffer.from(await new Response(stored.body).arrayBuffer()),
    });
  }
  return { job: await reload(svc, job.id), files };
}

function text(body: Buffer | undefined): string {
  if (!body) throw new Error("file missing");
  return body.toString("utf8");
}

describe("export", () => {
  test("stores the four files with their content types and sets downloads", async () => {
    const { job, files } = await runExport([handMadeProduct(1, ["0.10"])]);
    expect(job.downloads).toEqual({
      csv: "products.csv",
      productsJson: "products.json",
      collectionsJson: "collections.json",
      pagesJson: "pages.json",
    });
    expect(files.get("products.csv")?.contentType).toBe("text/csv; charset=utf-8");
    for (const key of ["products.json", "collections.json", "pages.json"]) {
      const file = files.get(key);
      expect(file?.contentType).toBe("application/json; charset=utf-8");
      expect(file?.sizeBytes).toBe(file?.body.byteLength ?? -1);
    }
    expect(JSON.parse(text(files.get("collections.json")?.body))).toEqual([
      { id: 7, handle: "all-in", title: "Tout à 10 €", product_handles: ["product-1"] },
    ]);
    expect(JSON.parse(text(files.get("pages.json")?.body))).toEqual([
      {
        id: 9,
        handle: "about",
        title: "À propos",
        body_html: "<p>Hi</p>",
        url: "https://shop.example.com/pages/about",
      },
      {
        id: null,
        handle: "gone",
        title: null,
        body_html: null,
        url: "https://shop.example.com/pages/gone",
      },
    ]);
  });

  test("writes RFC 4180 CSV without a BOM, quoting HTML with newlines", async () => {
    const product = handMadeProduct(1, ["0.10", "0.20"], {
      body_html: '<p class="a">Line 1,\nLine "2"</p>',
      tags: ["summer", "sale"],
    });
    const { files } = await runExport([product]);
    const csv = text(files.get("products.csv")?.body);
    expect(csv.charCodeAt(0)).not.toBe(0xfeff);
    expect(csv.startsWith(`${CSV_COLUMNS.join(",")}\r\n`)).toBe(true);
    const [header, ...records] = parse(csv, { relax_column_count: false }) as string[][];
    expect(header).toEqual([...CSV_COLUMNS]);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    expect(records.map((r) => r[col("Variant Price")])).toEqual(["0.10", "0.20"]);
    expect(records[0]?.[col("Body (HTML)")]).toBe('<p class="a">Line 1,\nLine "2"</p>');
    expect(records[0]?.[col("Tags")]).toBe("summer, sale");
    expect(records[1]?.[col("Title")]).toBe("");
    expect(records[1]?.[col("Handle")]).toBe("product-1");
  });

  test.skipIf(!hasRealFixtures)(
    "round-trips the mylubie catalog through CSV and JSON",
    async () => {
      const list = mylubieProducts().sort((a, b) => a.id - b.id);
      const { files } = await runExport(list);
      const records = parse(text(files.get("products.csv")?.body), { columns: true }) as Array<
        Record<string, string>
      >;

      const expected: Array<Record<string, string>> = [];
      for (const p of list) {
        const variants = p.variants as Variant[];
        const images = p.images as Array<{ src: string }>;
        variants.forEach((v, i) => {
          expected.push({ Handle: p.handle, Title: i === 0 ? p.title : "", price: v.price });
        });
        for (const [i, image] of images.slice(1).entries()) {
          expected.push({ Handle: p.handle, image: image.src, position: String(i + 2) });
        }
      }
      const actual = records.map((r): Record<string, string> => {
        if (r["Image Src"] && !r["Variant Price"]) {
          return {
            Handle: r.Handle ?? "",
            image: r["Image Src"],
            position: r["Image Position"] ?? "",
          };
        }
        return { Handle: r.Handle ?? "", Title: r.Title ?? "", price: r["Variant Price"] ?? "" };
      });
      expect(actual).toEqual(expected);

      const first = list.find((p) => p.handle === "baume-intime-apaisant") as RawProduct;
      const firstRow = records.find((r) => r.Handle === first.handle && r.Title) ?? {};
      expect(firstRow["Option1 Value"]).toBe("À l'unité");
      expect(firstRow["Option1 Name"]).toBe("Quantité");
      expect(firstRow["Image Src"]).toBe((first.images as Array<{ src: string }>)[0]?.src ?? "-");
      expect(firstRow["Body (HTML)"]).toBe(String(first.body_html));

      const productsJson = JSON.parse(text(files.get("products.json")?.body)) as RawProduct[];
      expect(productsJson).toHaveLength(30);
      expect(productsJson.map((p) => p.id)).toEqual(list.map((p) => p.id));
      expect(productsJson.find((p) => p.id === first.id)).toEqual(first);
    },
  );

  test("exports catalogs larger than one read chunk, in product id order", async () => {
    const list = Array.from({ length: 1_203 }, (_, i) => handMadeProduct(5_000 - i, ["1.00"]));
    const { files } = await runExport(list);
    const ids = (JSON.parse(text(files.get("products.json")?.body)) as RawProduct[]).map(
      (p) => p.id,
    );
    expect(ids).toHaveLength(1_203);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const records = parse(text(files.get("products.csv")?.body), { columns: true });
    expect(records).toHaveLength(1_203);
  });

  test("streams a generated catalog of 3,000 products that parses back identically", async () => {
    const list = Array.from({ length: 3_000 }, (_, i) =>
      handMadeProduct(i + 1, i % 3 === 0 ? ["1.00", "2.50"] : ["9.99"], {
        title: `Produit ${i + 1}, "édition" ${i % 7}`,
        body_html: `<p>Ligne 1,\nLigne ${i}</p>`,
        images: [
          { src: `https://cdn.example.com/${i}-a.jpg`, alt: null },
          { src: `https://cdn.example.com/${i}-b.jpg`, alt: "b" },
        ],
      }),
    );
    const { files } = await runExport(list);
    expect(JSON.parse(text(files.get("products.json")?.body))).toEqual(list);
    expect(files.get("products.json")?.sizeBytes).toBe(files.get("products.json")?.body.length);

    const records = parse(text(files.get("products.csv")?.body), { columns: true }) as Array<
      Record<string, string>
    >;
    const firstRows = records.filter((r) => r.Title);
    expect(firstRows.map((r) => r.Title)).toEqual(list.map((p) => p.title));
    expect(firstRows.map((r) => r["Body (HTML)"])).toEqual(list.map((p) => String(p.body_html)));
    const prices = records.filter((r) => r["Variant Price"]).map((r) => r["Variant Price"]);
    const expectedPrices = list.flatMap((p) => (p.variants as Variant[]).map((v) => v.price));
    expect(prices).toEqual(expectedPrices);
    const extraImages = records.filter((r) => r["Image Position"] === "2");
    expect(extraImages).toHaveLength(3_000);
    expect(records).toHaveLength(expectedPrices.length + 3_000);
  });
});
