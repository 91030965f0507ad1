import type { Db } from "@shopsniffer/shared/db/client";
import { sitemapUrls } from "@shopsniffer/shared/db/schema";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { type UrlKind, urlKinds } from "./classify.ts";

type SitemapUrlRow = typeof sitemapUrls.$inferInsert;

/**
 * Buffers sitemap URLs of one job and inserts them `batchSize` at a time. A URL already stored
 * for the job is left as it is, so a second run of the stage adds nothing. At most `maxUrls`
 * are taken per run; the next one is refused and marks the writer `truncated`.
 */
export class SitemapUrlWriter {
  private buffer: SitemapUrlRow[] = [];
  private taken = 0;
  /** True once a URL was refused because `maxUrls` had been taken. */
  truncated = false;

  constructor(
    private readonly handle: Db,
    private readonly jobId: string,
    private readonly batchSize: number,
    readonly maxUrls: number,
  ) {}

  /** Buffers one URL; false when the cap is reached, and the caller should stop reading. */
  async add(url: string, kind: UrlKind, lastmod: string | null): Promise<boolean> {
    if (this.taken >= this.maxUrls) {
      this.truncated = true;
      return false;
    }
    this.taken++;
    this.buffer.push({ jobId: this.jobId, url, kind, lastmod });
    if (this.buffer.length >= this.batchSize) await this.flush();
    return true;
  }

  async flush(): Promise<void> {
    const rows = this.buffer.splice(0);
    if (rows.length === 0) return;
    await this.handle.write((db) => db.insert(sitemapUrls).values(rows).onConflictDoNothing());
  }
}

/** Stored sitemap URLs of a job by kind; every kind is present, 0 when none. */
export async function countSitemapUrls(
  handle: Db,
  jobId: string,
): Promise<Record<UrlKind, number>> {
  const rows = await handle.db
    .select({ kind: sitemapUrls.kind, count: sql<number>`COUNT(*)` })
    .from(sitemapUrls)
    .where(eq(sitemapUrls.jobId, jobId))
    .groupBy(sitemapUrls.kind);
  const counts = Object.fromEntries(urlKinds.map((kind) => [kind, 0])) as Record<UrlKind, number>;
  for (const row of rows) {
    if ((urlKinds as readonly string[]).includes(row.kind)) {
      counts[row.kind as UrlKind] = Number(row.count);
    }
  }
  return counts;
}

/** The stored URLs of one kind for a job, in the order the sitemaps listed them. */
export async function sitemapUrlsOfKind(handle: Db, jobId: string, kind: UrlKind) {
  return handle.db
    .select({ url: sitemapUrls.url, lastmod: sitemapUrls.lastmod })
    .from(sitemapUrls)
    .where(sql`${sitemapUrls.jobId} = ${jobId} AND ${sitemapUrls.kind} = ${kind}`)
    .orderBy(sql`rowid`);
}

/** Sitemap URLs read per query by `sitemapUrlPages`. */
const URL_PAGE_SIZE = 1_000;

/**
 * The stored URLs of one kind for a job, in sitemap order, a page of rows at a time (keyset
 * paging on rowid), so a sitemap of any size is never read whole.
 */
export async function* sitemapUrlPages(
  handle: Db,
  jobId: string,
  kind: UrlKind,
  pageSize = URL_PAGE_SIZE,
): AsyncGenerator<{ url: string }[]> {
  let after = 0;
  for (;;) {
    const rowid = sql<number>`rowid`;
    const rows = await handle.db
      .select({ rowid, url: sitemapUrls.url })
      .from(sitemapUrls)
      .where(and(eq(sitemapUrls.jobId, jobId), eq(sitemapUrls.kind, kind), gt(rowid, after)))
      .orderBy(asc(rowid))
      .limit(pageSize);
    if (rows.length > 0) yield rows;
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = Number(last.rowid);
  }
}
