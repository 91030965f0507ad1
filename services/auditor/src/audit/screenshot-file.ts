import type { Db } from "@shopsniffer/shared/db/client";
import { jobFiles, jobs } from "@shopsniffer/shared/db/schema";
import type { FileStorage } from "@shopsniffer/shared/storage/file-storage";
import { isoNow } from "@shopsniffer/shared/time";
import { eq, sql } from "drizzle-orm";

/** The screenshot's key among the job's files, as `GET /api/downloads` names it. */
export const SCREENSHOT_KEY = "screenshot.png";
/** Its name in `jobs.downloads`, beside the exporter's `csv`, `productsJson`, … */
export const SCREENSHOT_DOWNLOAD = "screenshot";

const DAY_MS = 86_400_000;

export interface ScreenshotTarget {
  db: Db;
  storage: FileStorage;
  retentionDays: number;
}

/**
 * Stores the home page screenshot as one of the job's files (replacing an earlier one, so a
 * rerun is harmless), records it with its expiry, and adds it to `jobs.downloads` without
 * touching the other entries. Returns its size in bytes.
 */
export async function saveScreenshot(
  target: ScreenshotTarget,
  jobId: string,
  png: Uint8Array,
): Promise<number> {
  const { size } = await target.storage.put(jobId, SCREENSHOT_KEY, png, "image/png");
  const now = new Date();
  const values = {
    contentType: "image/png",
    sizeBytes: size,
    createdAt: isoNow(now),
    expiresAt: isoNow(new Date(now.getTime() + target.retentionDays * DAY_MS)),
    purgedAt: null,
  };
  const entry = JSON.stringify({ [SCREENSHOT_DOWNLOAD]: SCREENSHOT_KEY });
  await target.db.write((db) =>
    db.transaction(async (tx) => {
      await tx
        .insert(jobFiles)
        .values({ jobId, key: SCREENSHOT_KEY, ...values })
        .onConflictDoUpdate({ target: [jobFiles.jobId, jobFiles.key], set: values });
      await tx
        .update(jobs)
        .set({ downloads: sql`json_patch(coalesce(${jobs.downloads}, '{}'), ${entry})` })
        .where(eq(jobs.id, jobId));
    }),
  );
  return size;
}
