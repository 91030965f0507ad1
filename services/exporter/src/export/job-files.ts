import { DOWNLOADS } from "@shopsniffer/shared/contracts/downloads";
import type { Db } from "@shopsniffer/shared/db/client";
import { jobFiles, jobs } from "@shopsniffer/shared/db/schema";
import { isoNow } from "@shopsniffer/shared/time";
import { eq } from "drizzle-orm";

export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** One export file as stored in `job_files`. */
export interface ExportFile {
  key: string;
  contentType: string;
  body: Buffer;
}

/**
 * Stores the files (replacing earlier versions, so a rerun is harmless) and sets
 * `jobs.downloads`, in one transaction: readers never see downloads without their files.
 */
export async function saveJobFiles(handle: Db, jobId: string, files: ExportFile[]) {
  const now = isoNow();
  await handle.write((db) =>
    db.transaction(async (tx) => {
      for (const file of files) {
        const values = {
          contentType: file.contentType,
          sizeBytes: file.body.byteLength,
          body: file.body,
          createdAt: now,
        };
        await tx
          .insert(jobFiles)
          .values({ jobId, key: file.key, ...values })
          .onConflictDoUpdate({ target: [jobFiles.jobId, jobFiles.key], set: values });
      }
      await tx
        .update(jobs)
        .set({ downloads: { ...DOWNLOADS }, updatedAt: now })
        .where(eq(jobs.id, jobId));
    }),
  );
}
