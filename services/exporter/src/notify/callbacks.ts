import type { Db } from "@shopsniffer/shared/db/client";
import { webhookCallbacks } from "@shopsniffer/shared/db/schema";
import { isoNow } from "@shopsniffer/shared/time";
import { and, eq } from "drizzle-orm";

/**
 * A callback record moves through these states (the status column has no `sending` value):
 * - `pending`, 0 attempts: not attempted yet;
 * - `pending`, 1 attempt: marked just before its one attempt, so the attempt is under way, or
 *   the process stopped during it and the outcome is unknown;
 * - `delivered`, `failed` or `skipped`: settled, never attempted again.
 */
export type CallbackRow = typeof webhookCallbacks.$inferSelect;
export type CallbackKind = CallbackRow["kind"];

/**
 * Returns the job's callback record of `kind`, creating it as `pending` (0 attempts) when
 * there is none. A record with an attempt counted or no longer pending has had its one attempt.
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

/**
 * Counts the one attempt on a record not attempted yet, before the attempt is made. Returns
 * false when the record was already marked (another run took the attempt); then do not send.
 */
export async function markAttempted(handle: Db, row: CallbackRow): Promise<boolean> {
  const marked = await handle.write((db) =>
    db
      .update(webhookCallbacks)
      .set({ attempts: 1, updatedAt: isoNow() })
      .where(
        and(
          eq(webhookCallbacks.jobId, row.jobId),
          eq(webhookCallbacks.kind, row.kind),
          eq(webhookCallbacks.status, "pending"),
          eq(webhookCallbacks.attempts, 0),
        ),
      )
      .returning({ jobId: webhookCallbacks.jobId }),
  );
  return marked.length > 0;
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
