import { asc, eq } from "drizzle-orm";
import { Elysia } from "elysia";
import { collections, pages, products } from "@shopsniffer/shared/db/schema";
import { AppError } from "@shopsniffer/shared/errors";
import { getJob } from "@shopsniffer/shared/jobs/state";
import type { GatewayDeps } from "../deps.ts";
import { isUuid } from "./job-handlers.ts";
import { jobIdParams } from "../schemas.ts";

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
          body_html: (row.data.description as string | undefined) ?? null,
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
    { params: jobIdParams, detail: { summary: "Full report of a job", tags: ["Reports"] } },
  );
}

function reportProduct(data: Raw) {
  const variants = Array.isArray(data.variants) ? (data.variants as Raw[]) : [];
  const images = Array.isArray(data.images) ? (data.images as Raw[]) : [];
  return {
    id: data.id,
    title: data.title,
    handle: data.handle,
    vendor: data.vendor,
    product_type: data.product_type,
    tags: Array.isArray(data.tags) ? data.tags : splitTags(data.tags),
    variants: variants.map((v) => ({
      id: v.id,
      title: v.title,
      price: v.price,
      compare_at_price: v.compare_at_price ?? null,
      sku: v.sku ?? null,
      inventory_quantity: null,
    })),
    images: images.map((i) => ({ src: i.src, alt: i.alt ?? null })),
  };
}

function splitTags(tags: unknown): string[] {
  return typeof tags === "string"
    ? tags
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}
