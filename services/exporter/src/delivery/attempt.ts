import type { Db } from "@shopsniffer/shared/db/client";
import type { Logger } from "@shopsniffer/shared/log";
import { countNotificationAttempt } from "@shopsniffer/shared/metrics";
import {
  type AttemptResult,
  beginAttempt,
  type CallbackKind,
  type CallbackRow,
  claimCallback,
  type DeliveryEvent,
  recordAttempt,
  skipCallback,
} from "./records.ts";

/** How often and how far apart a notification is attempted. */
export interface RetryPolicy {
  maxAttempts: number;
  /** Wait after failed attempt n is `backoffMs[n - 1]`; the last value repeats. */
  backoffMs: number[];
}

/**
 * One notification of a job: where it goes and how to make one attempt, or why this install
 * cannot send it (then its record is settled `skipped` with that reason).
 */
export type Notification = { kind: CallbackKind; target: string } & (
  | { send(): Promise<AttemptResult> }
  | { skipReason: string }
);

/** Where one notification stands after this delivery of its message. */
export type NotificationOutcome = { settled: true } | { settled: false; retryInMs: number };

export interface AttemptContext {
  db: Db;
  jobId: string;
  event: DeliveryEvent;
  policy: RetryPolicy;
  /** The broker will not deliver the message again: settle whatever is still pending. */
  finalDelivery: boolean;
  log: Logger;
}

/** Why an attempt whose process stopped during it counts as failed. */
export const OUTCOME_UNKNOWN = "delivery outcome unknown (the exporter stopped during the attempt)";

/**
 * Makes the notification's next attempt if one is due, and records it. An attempt is counted
 * before it is made, so a crash during it is never followed by the same attempt again; the
 * next delivery records it as failed with `OUTCOME_UNKNOWN` and retries after the back-off.
 */
export async function attemptNotification(
  ctx: AttemptContext,
  notification: Notification,
): Promise<NotificationOutcome> {
  const key = { jobId: ctx.jobId, kind: notification.kind, event: ctx.event };
  const row = await claimCallback(ctx.db, key, notification.target);
  if (row.status !== "pending") return { settled: true };
  if ("skipReason" in notification) {
    await skipCallback(ctx.db, row, notification.skipReason);
    return { settled: true };
  }
  if (row.attempts > 0 && row.nextAttemptAt === null) {
    const unknown = { ok: false, code: null, error: OUTCOME_UNKNOWN, retryable: true } as const;
    return settleAttempt(ctx, row, row.attempts, unknown);
  }
  const dueInMs = row.nextAttemptAt ? Date.parse(row.nextAttemptAt) - Date.now() : 0;
  if (dueInMs > 0 && !ctx.finalDelivery) return { settled: false, retryInMs: dueInMs };

  const attempt = await beginAttempt(ctx.db, row);
  // Another process counted this attempt since we read the record; it will settle it.
  if (attempt === null) return { settled: false, retryInMs: backoffMs(ctx.policy, 1) };
  const started = performance.now();
  const result = await notification.send();
  const durationMs = Math.round(performance.now() - started);
  const fields = { kind: notification.kind, attempt, code: result.code, durationMs };
  countNotificationAttempt(notification.kind, result.ok);
  if (result.ok) ctx.log.info({ ...fields, outcome: "delivered" }, "notification attempt");
  else ctx.log.warn({ ...fields, outcome: "failed", error: result.error }, "notification attempt");
  return settleAttempt(ctx, row, attempt, result);
}

/** Records attempt `attempt` and says when the next one is due, if any. */
async function settleAttempt(
  ctx: AttemptContext,
  row: CallbackRow,
  attempt: number,
  result: AttemptResult,
): Promise<NotificationOutcome> {
  const last =
    result.ok || !result.retryable || attempt >= ctx.policy.maxAttempts || ctx.finalDelivery;
  const waitMs = backoffMs(ctx.policy, attempt);
  const retryAt = last ? null : new Date(Date.now() + waitMs);
  await recordAttempt(ctx.db, row, attempt, result, retryAt);
  if (last && !result.ok) {
    ctx.log.error(
      { kind: row.kind, attempts: attempt, error: result.error },
      "notification failed",
    );
  }
  return retryAt ? { settled: false, retryInMs: waitMs } : { settled: true };
}

/** The wait after failed attempt `attempt` (1-based); the last configured value repeats. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const index = Math.min(attempt, policy.backoffMs.length) - 1;
  return policy.backoffMs[Math.max(index, 0)] ?? 0;
}
