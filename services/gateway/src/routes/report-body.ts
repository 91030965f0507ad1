import type { Db } from "@shopsniffer/shared/db/client";
import { collections, pages, products } from "@shopsniffer/shared/db/schema";
import { collectGarbageIfOver } from "@shopsniffer/shared/memory";
import { and, asc, count, eq, gt } from "drizzle-orm";

type Raw = Record<string, unknown>;

/** Products read per query while a report streams: about 1 MB of stored JSON. */
export const REPORT_PRODUCT_PAGE = 200;

/** The job fields a report starts with. */
export interface ReportJob {
  id: string;
  domain: string;
  status: string;
}

/**
 * The report of a job (`GET /reports/:id`) as JSON text in pieces: the same bytes as
 * `JSON.stringify` of the whole report. The counts, collections and pages are read before this
 * resolves, so a database error there rejects it (an error response, not a cut 200); only the
 * products are read while the pieces are pulled, `pageSize` at a time in product id order, so
 * memory holds one page whatever the catalog's size (garbage is collected between pages once
 * memory is high, see collectGarbageIfOver). `counts.products` is counted first and the list
 * stops there: for a job still indexing, the list is what was stored when the report started,
 * give or take products stored meanwhile.
 */
export async function reportText(
  handle: Db,
  job: ReportJob,
  pageSize = REPORT_PRODUCT_PAGE,
): Promise<AsyncGenerator<string>> {
  const { db } = handle;
  const [productTotal, collectionRows, pageRows] = await Promise.all([
    db.select({ n: count() }).from(products).where(eq(products.jobId, job.id)),
    db.select().from(collections).where(eq(collections.jobId, job.id)),
    db.select().from(pages).where(eq(pages.jobId, job.id)),
  ]);
  const counts = {
    products: productTotal[0]?.n ?? 0,
    collections: collectionRows.length,
    pages: pageRows.length,
  };
  const head = { id: job.id, domain: job.domain, status: job.status };
  const collectionItems = collectionRows.map((row) => ({
    id: row.collectionId,
    title: row.title,
    handle: row.handle,
    body_html: str(row.data.description),
    image: row.data.image ?? null,
    product_handles: row.productHandles,
  }));
  const pageItems = pageRows.map((row) => ({
    id: row.pageId,
    title: row.title,
    handle: row.handle,
    body_html: row.bodyHtml,
  }));
  return framed(
    `{"job":${JSON.stringify(head)},"counts":${JSON.stringify(counts)},"products":[`,
    productsText(handle, job.id, counts.products, pageSize),
    `],"collections":${JSON.stringify(collectionItems)},"pages":${JSON.stringify(pageItems)}}`,
  );
}

async function* framed(head: string, body: AsyncIterable<string>, tail: string) {
  yield head;
  yield* body;
  yield tail;
}

/** Up to `total` products of the job as comma-separated JSON, one page per piece. */
async function* productsText(handle: Db, jobId: string, total: number, pageSize: number) {
  let written = 0;
  let after = Number.MIN_SAFE_INTEGER;
  while (written < total) {
    collectGarbageIfOver();
    const rows = await handle.db
      .select({ productId: products.productId, data: products.data })
      .from(products)
      .where(and(eq(products.jobId, jobId), gt(products.productId, after)))
      .orderBy(asc(products.productId))
      .limit(Math.min(pageSize, total - written));
    const last = rows.at(-1);
    if (!last) return;
    const text = rows.map((row) => JSON.stringify(reportProduct(row.data))).join(",");
    yield written === 0 ? text : `,${text}`;
    written += rows.length;
    after = last.productId;
  }
}

/** A stored product in the report's shape; values of the wrong type become null. */
export function reportProduct(data: Raw) {
  const variants = Array.isArray(data.variants) ? (data.variants as Raw[]) : [];
  const images = Array.isArray(data.images) ? (data.images as unknown[]) : [];
  return {
    id: num(data.id),
    title: str(data.title),
    handle: str(data.handle),
    vendor: str(data.vendor),
    product_type: str(data.product_type ?? data.type),
    tags: Array.isArray(data.tags)
      ? data.tags.filter((t) => typeof t === "string")
      : splitTags(data.tags),
    variants: variants.map((v) => ({
      id: num(v.id),
      title: str(v.title),
      price: str(v.price),
      compare_at_price: str(v.compare_at_price),
      sku: str(v.sku),
      inventory_quantity: null,
    })),
    images: images.map((i) => {
      const image = (i && typeof i === "object" ? i : { src: i }) as Raw;
      return { src: str(image.src), alt: str(image.alt) };
    }),
  };
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function splitTags(tags: unknown): string[] {
  return typeof tags === "string"
    ? tags
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}
