import { DOWNLOADS } from "@shopsniffer/shared/contracts/downloads";
import type { Db } from "@shopsniffer/shared/db/client";
import { jobFiles, jobs } from "@shopsniffer/shared/db/schema";
import type { FileStorage } from "@shopsniffer/shared/storage/file-storage";
import { isoNow } from "@shopsniffer/shared/time";
import { eq, sql } from "drizzle-orm";

export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

const DAY_MS = 86_400_000;

/** One export file to store: its bytes arrive as a stream. */
export interface ExportFile {
  key: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
}

/** Where files go and how long they are kept. */
export interface FileTarget {
  db: Db;
  storage: FileStorage;
  retentionDays: number;
}

/**
 * Streams each file into storage (replacing earlier versions, so a rerun is harmless), then
 * records the files with their expiry and sets `jobs.downloads`, in one transaction: readers
 * never see downloads without their rows, and a row only once its bytes are stored.
 * Returns the size in bytes of each file by key.
 */
export async function saveJobFiles(target: FileTarget, jobId: string, files: ExportFile[]) {
  const sizes: Record<string, number> = {};
  for (const file of files) {
    const { size } = await target.storage.put(jobId, file.key, file.body, file.contentType);
    sizes[file.key] = size;
  }
  const now = new Date();
  const added = JSON.stringify(downloadsOf(files));
  const expiresAt = isoNow(new Date(now.getTime() + target.retentionDays * DAY_MS));
  await target.db.write((db) =>
    db.transaction(async (tx) => {
      for (const file of files) {
        const values = {
          contentType: file.contentType,
          sizeBytes: sizes[file.key] ?? 0,
          body: null,
          createdAt: isoNow(now),
          expiresAt,
          purgedAt: null,
        };
        await tx
          .insert(jobFiles)
          .values({ jobId, key: file.key, ...values })
          .onConflictDoUpdate({ target: [jobFiles.jobId, jobFiles.key], set: values });
      }
      await tx
        .update(jobs)
        // Merged, so entries other stages added (the audit's `screenshot`) stay.
        .set({
          downloads: sql`json_patch(coalesce(${jobs.downloads}, '{}'), ${added})`,
          updatedAt: isoNow(now),
        })
        .where(eq(jobs.id, jobId));
    }),
  );
  return sizes;
}

/** `jobs.downloads`: the names of `DOWNLOADS` whose file was written. */
function downloadsOf(files: ExportFile[]): Record<string, string> {
  const written = new Set(files.map((file) => file.key));
  return Object.fromEntries(Object.entries(DOWNLOADS).filter(([, key]) => written.has(key)));
}
