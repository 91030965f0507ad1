import type { JsonItem } from "../json-pages.ts";
import { asId, asString } from "../json-values.ts";
import { type IndexingContext, stepFraction } from "./context.ts";
import { type ProductRow, upsertProducts } from "./rows.ts";

/** Where a stored product was first found; stored in `products.source`. */
export const productSources = [
  "products.json",
  "collections",
  "product.json",
  "product.js",
  "json_ld",
] as const;
export type ProductSource = (typeof productSources)[number];

/**
 * The products of one job as the indexing step finds them: each id is stored once, with the
 * first source that returned it. Sources are read in a fixed order (lists first), so a rerun
 * stores the same sources again; every write is an upsert by (job, product id).
 */
export class Catalog {
  private readonly ids = new Set<number>();
  private readonly handles = new Set<string>();
  /** Products stored per source. */
  readonly counts: Record<ProductSource, number> = {
    "products.json": 0,
    collections: 0,
    "product.json": 0,
    "product.js": 0,
    json_ld: 0,
  };
  /** Items without a numeric id or a handle, never stored. */
  skipped = 0;

  constructor(
    private readonly ctx: IndexingContext,
    /** Products the store is expected to have, for the step's progress fraction. */
    readonly expected: number,
  ) {}

  /** Stores the items whose id is new, then reports progress; resolves to how many were new. */
  async add(items: JsonItem[], source: ProductSource): Promise<number> {
    const { ctx } = this;
    const rows = [];
    for (const item of items) {
      const row = productRow(ctx.jobId, item, source);
      if (row === null) this.skipped++;
      else if (!this.ids.has(row.productId)) {
        this.ids.add(row.productId);
        this.handles.add(handleKey(row.handle));
        rows.push(row);
      }
    }
    if (rows.length === 0) return 0;
    await upsertProducts(ctx.svc.db, rows);
    this.counts[source] += rows.length;
    const fraction = stepFraction(this.total, this.expected);
    await ctx.run.progress.status(ctx.jobId, "indexing-products", fraction);
    return rows.length;
  }

  /** True when a product with this handle (compared decoded, NFC, lower case) is stored. */
  hasHandle(handle: string): boolean {
    return this.handles.has(handleKey(handle));
  }

  /** Distinct products stored so far. */
  get total(): number {
    return this.ids.size;
  }
}

/** How handles are compared: the same handle may reach us in NFC or NFD, upper or lower case. */
export function handleKey(handle: string): string {
  return handle.normalize("NFC").toLowerCase();
}

/** A product row from one product object, or null without a numeric id and a handle. */
export function productRow(
  jobId: string,
  item: JsonItem,
  source: ProductSource,
): ProductRow | null {
  const productId = asId(item.id);
  const handle = asString(item.handle);
  if (productId === null || handle === null) return null;
  return {
    jobId,
    productId,
    handle,
    title: typeof item.title === "string" ? item.title : "",
    vendor: asString(item.vendor),
    productType: asString(item.product_type),
    source,
    data: item,
  };
}
