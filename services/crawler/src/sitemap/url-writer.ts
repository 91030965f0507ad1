import type { Db } from "@shopsniffer/shared/db/client";
import { sitemapUrls } from "@shopsniffer/shared/db/schema";
import { eq, sql } from "drizzle-orm";
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
