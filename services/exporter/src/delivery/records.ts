import type { DeliveryMessage } from "@shopsniffer/shared/contracts/messages";
import type { Db } from "@shopsniffer/shared/db/client";
import { webhookCallbacks } from "@shopsniffer/shared/db/schema";
import { isoNow } from "@shopsniffer/shared/time";
import { and, eq, sql } from "drizzle-orm";

/**
 * The delivery log: one record per job and kind (webhook, email). A record moves through:
 * - `pending`, 0 attempts: queued, not attempted yet;
 * - `pending`, n attempts, `nextAttemptAt` null: attempt n is under way, or the process
 *   stopped during it and its outcome is unknown (then it counts as failed);
 * - `pending`, n attempts, `nextAttemptAt` set: attempt n failed, the next is due then;
 * - `delivered`, `failed` or `skipped`: settled, never attempted again.
 * Attempt n is counted before it is made, so a crash during it never repeats attempt n.
 */
export type CallbackRow = typeof webhookCallbacks.$inferSelect;
export type CallbackKind = CallbackRow["kind"];
export type DeliveryEvent = DeliveryMessage["event"];

/** How one attempt ended. `code` is the HTTP status (webhook) or SMTP reply code (email). */
export type AttemptResult =
  | { ok: true; code: number | null }
  | { ok: false; code: number | null; error: string; retryable: boolean };

/**
 * Returns the job's record of `kind`, creating it as `pending` for `event`. A record left for
 * the other event (a job that queued its completion, then errored) starts over for `event`.
 */
export async function claimCallback(
  handle: Db,
  key: { jobId: string; kind: CallbackKind; event: DeliveryEvent },
  target: string,
): Promise<CallbackRow> {
  const fresh = {
    target,
    event: key.event,
    status: "pending" as const,
    attempts: 0,
    lastStatus: null,
    lastError: null,
    nextAttemptAt: null,
    updatedAt: isoNow(),
  };
  return handle.write(async (db) => {
    await db
      .insert(webhookCallbacks)
      .values({ jobId: key.jobId, kind: key.kind, ...fresh })
      .onConflictDoUpdate({
        target: [webhookCallbacks.jobId, webhookCallbacks.kind],
        set: fresh,
        setWhere: sql`${webhookCallbacks.event} <> ${key.event}`,
      });
    const [row] = await db.select().from(webhookCallbacks).where(rowKey(key));
    if (!row) throw new Error(`callback record ${key.kind} of job ${key.jobId} vanished`);
    return row;
  });
}

/**
 * Counts attempt `row.attempts + 1` before it is made and returns its number, or null when
 * the record moved on since it was read (another process took the attempt): then do not send.
 */
export async function beginAttempt(handle: Db, row: CallbackRow): Promise<number | null> {
  const attempt = row.attempts + 1;
  const marked = await handle.write((db) =>
    db
      .update(webhookCallbacks)
      .set({ attempts: attempt, nextAttemptAt: null, updatedAt: isoNow() })
      .where(and(rowKey(row), pendingAt(row.attempts)))
      .returning({ jobId: webhookCallbacks.jobId }),
  );
  return marked.length > 0 ? attempt : null;
}

/**
 * Records the outcome of attempt `attempt`: `delivered`, or failed with the time the next
 * attempt is due (`retryAt`), or `failed` for good when `retryAt` is null. A record that has
 * moved past this attempt is left alone.
 */
export async function recordAttempt(
  handle: Db,
  row: CallbackRow,
  attempt: number,
  result: AttemptResult,
  retryAt: Date | null,
): Promise<void> {
  const status = result.ok ? "delivered" : retryAt ? "pending" : "failed";
  await handle.write((db) =>
    db
      .update(webhookCallbacks)
      .set({
        status,
        lastStatus: result.code,
        lastError: result.ok ? null : result.error,
        nextAttemptAt: !result.ok && retryAt ? isoNow(retryAt) : null,
        updatedAt: isoNow(),
      })
      .where(and(rowKey(row), pendingAt(attempt))),
  );
}

/** Settles a pending record without an attempt (email with no mail transport configured). */
export async function skipCallback(handle: Db, row: CallbackRow, reason: string): Promise<void> {
  await handle.write((db) =>
    db
      .update(webhookCallbacks)
      .set({ status: "skipped", lastError: reason, nextAttemptAt: null, updatedAt: isoNow() })
      .where(and(rowKey(row), eq(webhookCallbacks.status, "pending"))),
  );
}

function rowKey(key: { jobId: string; kind: CallbackKind }) {
  return and(eq(webhookCallbacks.jobId, key.jobId), eq(webhookCallbacks.kind, key.kind));
}

function pendingAt(attempts: number) {
  return and(eq(webhookCallbacks.status, "pending"), eq(webhookCallbacks.attempts, attempts));
}
