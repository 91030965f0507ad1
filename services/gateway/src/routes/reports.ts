import { asc, eq } from "drizzle-orm";
import { Elysia } from "elysia";
import { collections, pages, products } from "@shopsniffer/shared/db/schema";
import { AppError } from "@shopsniffer/shared/errors";
import { getJob } from "@shopsniffer/shared/jobs/state";
import type { GatewayDeps } from "../deps.ts";
import { isUuid } from "./job-handlers.ts";
import { errorBody, jobIdParams } from "../schemas.ts";
import { reportResponse } from "./report-schema.ts";

type Raw = Record<string, unknown>;

/** `GET /reports/:id`: the indexed catalog of a job in the reference's report shape. */
export function reportRoutes(deps: GatewayDeps) {
  const { db } = deps.svc.db;
  return new Elysia().get(
    "/reports/:id",
    async ({ params }) => {
      const job = isUuid(params.id) ? await getJob(deps.svc.db, params.id.toLowerCase()) : null;
      if (!job) throw new AppError("not_found", "Report not found");
      // FIXME: the whole catalog is answered in one body; stores with tens of thousands of
      // products need paging here.
      const [productRows, collectionRows, pageRows] = await Promise.all([
        db
          .select()
          .from(products)
          .where(eq(products.jobId, job.id))
          .orderBy(asc(products.productId)),
        db.select().from(collections).where(eq(collections.jobId, job.id)),
        db.select().from(pages).where(eq(pages.jobId, job.id)),
      ]);
      return {
        job: { id: job.id, domain: job.domain, status: job.status },
        counts: {
          products: productRows.length,
          collections: collectionRows.length,
          pages: pageRows.length,
        },
        products: productRows.map((row) => reportProduct(row.data)),
        collections: collectionRows.map((row) => ({
          id: row.collectionId,
          title: row.title,
          handle: row.handle,
          body_html: str(row.data.description),
          image: row.data.image ?? null,
          product_handles: row.productHandles,
        })),
        pages: pageRows.map((row) => ({
          id: row.pageId,
          title: row.title,
          handle: row.handle,
          body_html: row.bodyHtml,
        })),
      };
    },
    {
      params: jobIdParams,
      response: { 200: reportResponse, 404: errorBody },
      detail: { summary: "Full report of a job", tags: ["Reports"] },
    },
  );
}

/** A stored product in the report's shape; values of the wrong type become null. */
function reportProduct(data: Raw) {
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
