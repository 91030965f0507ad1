import type { JobRow } from "@shopsniffer/shared/jobs/state";
import type { Logger } from "@shopsniffer/shared/log";
import type { ExporterService } from "../config.ts";
import { type CallbackRow, claimCallback, markAttempted, settleCallback } from "./callbacks.ts";
import type { JobLinks } from "./links.ts";
import { postWebhook, type WebhookPayload } from "./webhook.ts";

/**
 * What became of a callback this run: its final status, `none` when not requested, or
 * `pending` when another run holds the attempt and will settle it.
 */
export type CallbackStatus = "none" | "delivered" | "failed" | "skipped" | "pending";

export const EMAIL_NOT_CONFIGURED = "email delivery is not configured";

/** Why a webhook whose attempt began on an earlier run is recorded as failed. */
export const WEBHOOK_OUTCOME_UNKNOWN =
  "delivery outcome unknown (the exporter stopped during the POST)";

/**
 * Sends the job's webhook at most once. The attempt is counted on the record before the POST,
 * so a rerun after a crash or redelivery during the POST does not send it again: it settles
 * the record as failed with `WEBHOOK_OUTCOME_UNKNOWN`. A failed webhook never fails the job.
 */
export async function deliverWebhook(
  svc: ExporterService,
  job: JobRow,
  links: JobLinks,
  log: Logger,
): Promise<CallbackStatus> {
  if (!job.webhookUrl) return "none";
  const row = await claimCallback(svc.db, job.id, "webhook", job.webhookUrl);
  if (row.status !== "pending") return row.status;
  if (row.attempts > 0) return settleInterrupted(svc, row, log);
  if (!(await markAttempted(svc.db, row))) return "pending";

  const result = await postWebhook(job.webhookUrl, webhookPayload(job, links), {
    timeoutMs: svc.config.WEBHOOK_TIMEOUT_MS,
    allowPrivate: svc.config.WEBHOOK_ALLOW_PRIVATE,
  });
  const lastError = result.status === "failed" ? result.error : null;
  await settleCallback(svc.db, row, { status: result.status, attempts: 1, lastError });
  log.info({ webhook: result.status, error: lastError ?? undefined }, "webhook attempt");
  return result.status;
}

function webhookPayload(job: JobRow, links: JobLinks): WebhookPayload {
  return { event: "job.completed", job_id: job.id, domain: job.domain, slug: job.slug, ...links };
}

/** Settles a record whose attempt began on an earlier run that never recorded the outcome. */
async function settleInterrupted(
  svc: ExporterService,
  row: CallbackRow,
  log: Logger,
): Promise<CallbackStatus> {
  const lastError = WEBHOOK_OUTCOME_UNKNOWN;
  await settleCallback(svc.db, row, { status: "failed", attempts: row.attempts, lastError });
  log.warn({ webhook: "failed", error: lastError }, "webhook attempt interrupted");
  return "failed";
}

/** Records the completion email as skipped: this install cannot send email yet. */
export async function recordEmail(svc: ExporterService, job: JobRow): Promise<CallbackStatus> {
  if (!job.notifyEmail) return "none";
  const row = await claimCallback(svc.db, job.id, "email", job.notifyEmail);
  if (row.status !== "pending") return row.status;
  // FIXME: no SMTP (or other mail) transport exists yet, so users who asked for an email on
  // completion get none; the record says so until a mail transport is added.
  await settleCallback(svc.db, row, {
    status: "skipped",
    attempts: 0,
    lastError: EMAIL_NOT_CONFIGURED,
  });
  return "skipped";
}
