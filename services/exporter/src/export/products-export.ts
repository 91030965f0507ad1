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
 * Both files are produced as streams of text, one read chunk of products at a time, so a
 * catalog of any size is never held in memory whole.
 */
import type { Db } from "@shopsniffer/shared/db/client";
import { stringify } from "csv-stringify/sync";
import { type ProductRow, productChunks } from "../product-rows.ts";
import { viewProduct } from "../product-view.ts";
import { CSV_COLUMNS } from "./csv-columns.ts";
import { productCsvRows } from "./product-csv-rows.ts";
import { jsonArrayText } from "./text-stream.ts";

/** Products per text chunk of either file. */
const TEXT_SLICE = 50;

/** Whether `products.csv` starts with a UTF-8 byte order mark: no (see the top of this file). */
export const CSV_BOM = false;

/** Counts gathered while the product files stream; final once both streams have ended. */
export interface ProductCounts {
  products: number;
  csvRows: number;
}

/**
 * `products.csv` as text chunks, one per slice of products: RFC 4180 (CRLF line ends,
 * quotes only where needed). Adds the rows written to `counts.csvRows`.
 */
export async function* productsCsvText(
  handle: Db,
  jobId: string,
  counts: ProductCounts,
): AsyncGenerator<string> {
  const header = stringify([[...CSV_COLUMNS]], { record_delimiter: "windows" });
  yield `${CSV_BOM ? "\uFEFF" : ""}${header}`;
  for await (const rows of productSlices(handle, jobId)) {
    const records = rows.flatMap((row) =>
      productCsvRows({ ...viewProduct(row.data), handle: row.handle }),
    );
    counts.csvRows += records.length;
    yield stringify(records, { columns: [...CSV_COLUMNS], record_delimiter: "windows" });
  }
}

/** `products.json` as text chunks: the array of raw product objects, in product id order. */
export function productsJsonText(
  handle: Db,
  jobId: string,
  counts: ProductCounts,
): AsyncGenerator<string> {
  return jsonArrayText(rawProducts(handle, jobId, counts));
}

async function* rawProducts(handle: Db, jobId: string, counts: ProductCounts) {
  for await (const rows of productSlices(handle, jobId)) {
    counts.products += rows.length;
    yield rows.map((row) => row.data);
  }
}

/**
 * The job's product rows in slices of `TEXT_SLICE` products: each slice becomes one text
 * chunk, so the text in flight stays a few hundred KB however large the read chunks are.
 */
async function* productSlices(handle: Db, jobId: string): AsyncGenerator<ProductRow[]> {
  for await (const rows of productChunks(handle, jobId)) {
    for (let start = 0; start < rows.length; start += TEXT_SLICE) {
      yield rows.slice(start, start + TEXT_SLICE);
    }
  }
}
