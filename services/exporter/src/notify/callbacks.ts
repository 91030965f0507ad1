import type { Db } from "@shopsniffer/shared/db/client";
import { webhookCallbacks } from "@shopsniffer/shared/db/schema";
import { isoNow } from "@shopsniffer/shared/time";
import { and, eq } from "drizzle-orm";

export type CallbackRow = typeof webhookCallbacks.$inferSelect;
export type CallbackKind = CallbackRow["kind"];

/**
 * Returns the job's callback record of `kind`, creating it as `pending` (0 attempts) when
 * there is none. A record that is no longer pending has had its one attempt.
 */
export async function claimCallback(
  handle: Db,
  jobId: string,
  kind: CallbackKind,
  target: string,
): Promise<CallbackRow> {
  return handle.write(async (db) => {
    await db
      .insert(webhookCallbacks)
      .values({ jobId, kind, target, status: "pending", attempts: 0, updatedAt: isoNow() })
      .onConflictDoNothing();
    const [row] = await db
      .select()
      .from(webhookCallbacks)
      .where(and(eq(webhookCallbacks.jobId, jobId), eq(webhookCallbacks.kind, kind)));
    if (!row) throw new Error(`callback record ${kind} of job ${jobId} vanished`);
    return row;
  });
}

/** Records how the callback ended. */
export async function settleCallback(
  handle: Db,
  row: CallbackRow,
  outcome: {
    status: "delivered" | "failed" | "skipped";
    attempts: number;
    lastError: string | null;
  },
): Promise<void> {
  await handle.write((db) =>
    db
      .update(webhookCallbacks)
      .set({ ...outcome, updatedAt: isoNow() })
      .where(and(eq(webhookCallbacks.jobId, row.jobId), eq(webhookCallbacks.kind, row.kind))),
  );
}
