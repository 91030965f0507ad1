/**
 * `products.csv` (Shopify's product import format) and `products.json`. The CSV decisions:
 * - Columns: the 34 of Shopify's import template in its order (`CSV_COLUMNS`); what a
 *   storefront does not reveal (inventory, SEO, product category) stays blank.
 * - One row per variant: the first row carries the product, its first variant and its first
 *   image; each further variant gets a row of Handle plus variant fields. A product without
 *   variants still gets its product row.
 * - Extra images: each image after the first gets a row of Handle, Image Src, Image Position
 *   (2, 3, ...) and Image Alt Text only, after the variant rows (`productCsvRows`).
 * - UTF-8 without a byte order mark, RFC 4180 with CRLF line ends: the file is for Shopify's
 *   importer and for scripts, and a BOM turns the first header into "\uFEFFHandle" for many
 *   parsers. Excel users open it with Data > From Text/CSV (UTF-8) to keep accents.
 */
import type { Db } from "@shopsniffer/shared/db/client";
import { stringify } from "csv-stringify/sync";
import { productChunks } from "../product-rows.ts";
import { viewProduct } from "../product-view.ts";
import { CSV_COLUMNS } from "./csv-columns.ts";
import { productCsvRows } from "./product-csv-rows.ts";

/** Whether `products.csv` starts with a UTF-8 byte order mark: no (see the top of this file). */
export const CSV_BOM = false;

/** `products.csv` and `products.json`, built in one pass over the job's products. */
export interface ProductFiles {
  csv: Buffer;
  json: Buffer;
  products: number;
  csvRows: number;
}

/**
 * Builds both product files from the stored rows, chunk by chunk. The CSV is RFC 4180 (CRLF
 * line ends, quotes only where needed); the JSON is the array of raw product objects.
 */
export async function buildProductFiles(handle: Db, jobId: string): Promise<ProductFiles> {
  const csvParts = [stringify([[...CSV_COLUMNS]], { record_delimiter: "windows" })];
  const jsonParts: string[] = [];
  let csvRows = 0;
  for await (const rows of productChunks(handle, jobId)) {
    const records = rows.flatMap((row) =>
      productCsvRows({ ...viewProduct(row.data), handle: row.handle }),
    );
    csvParts.push(stringify(records, { columns: [...CSV_COLUMNS], record_delimiter: "windows" }));
    csvRows += records.length;
    for (const row of rows) jsonParts.push(JSON.stringify(row.data));
  }
  return {
    csv: Buffer.from(`${CSV_BOM ? "\uFEFF" : ""}${csvParts.join("")}`, "utf8"),
    json: Buffer.from(`[${jsonParts.join(",")}]`, "utf8"),
    products: jsonParts.length,
    csvRows,
  };
}
