import type { Db } from "@shopsniffer/shared/db/client";
import { jobFiles } from "@shopsniffer/shared/db/schema";
import type { FileStorage } from "@shopsniffer/shared/storage/file-storage";
import { openStorage } from "@shopsniffer/shared/storage/open-storage";
import { isoNow } from "@shopsniffer/shared/time";
import { and, inArray, isNull, lte } from "drizzle-orm";
import type { ExporterService } from "../config.ts";

/**
 * Removes from storage the files of every job that has an expired, not yet purged file, and
 * marks those rows purged. Job rows and file metadata stay (downloads answer 410). Safe to run
 * twice or from two processes: deleting a missing file is not an error.
 * Returns the job ids whose files were removed.
 */
export async function purgeExpiredFiles(db: Db, storage: FileStorage, now = new Date()) {
  const cutoff = isoNow(now);
  const expired = and(lte(jobFiles.expiresAt, cutoff), isNull(jobFiles.purgedAt));
  const rows = await db.db.selectDistinct({ jobId: jobFiles.jobId }).from(jobFiles).where(expired);
  const jobIds = rows.map((row) => row.jobId);
  for (const jobId of jobIds) await storage.delete(jobId);
  if (jobIds.length > 0) {
    await db.write((tx) =>
      tx
        .update(jobFiles)
        .set({ purgedAt: cutoff })
        .where(and(expired, inArray(jobFiles.jobId, jobIds))),
    );
  }
  return jobIds;
}

/**
 * Runs `purgeExpiredFiles` now and then every `EXPORT_CLEANUP_INTERVAL_MS`; returns a stop
 * function. A failed run is logged and retried at the next interval.
 */
export function startFileCleanup(svc: ExporterService): () => Promise<void> {
  const storage = openStorage(svc.config);
  let running: Promise<void> = Promise.resolve();
  const runOnce = () => {
    const started = Date.now();
    running = purgeExpiredFiles(svc.db, storage)
      .then((jobIds) => {
        const durationMs = Date.now() - started;
        svc.log.info({ jobs: jobIds.length, durationMs }, "expired files removed");
      })
      .catch((error) => svc.log.error({ err: error }, "file cleanup failed"));
  };
  runOnce();
  const timer = setInterval(runOnce, svc.config.EXPORT_CLEANUP_INTERVAL_MS);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
