import type { Db } from "@shopsniffer/shared/db/client";
import { collections, jobSteps, pages, products } from "@shopsniffer/shared/db/schema";
import { eq, sql } from "drizzle-orm";
import { countSitemapUrls } from "../src/sitemap/url-writer.ts";

/** Row counts of everything the crawler stores for one job. */
export async function jobCounts(handle: Db, jobId: string) {
  const count = async (table: typeof products | typeof collections | typeof pages) => {
    const [row] = await handle.db
      .select({ n: sql<number>`COUNT(*)` })
      .from(table)
      .where(eq(table.jobId, jobId));
    return Number(row?.n ?? 0);
  };
  return {
    sitemap: await countSitemapUrls(handle, jobId),
    products: await count(products),
    collections: await count(collections),
    pages: await count(pages),
  };
}

/** The stored record of one step of a job. */
export async function stepRecord(handle: Db, jobId: string, step: string) {
  return handle.db.query.jobSteps.findFirst({
    where: sql`${jobSteps.jobId} = ${jobId} AND ${jobSteps.step} = ${step}`,
  });
}
