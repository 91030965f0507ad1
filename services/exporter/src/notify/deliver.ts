import type { JobRow } from "@shopsniffer/shared/jobs/state";
import type { Logger } from "@shopsniffer/shared/log";
import type { ExporterService } from "../config.ts";
import { claimCallback, settleCallback } from "./callbacks.ts";
import type { JobLinks } from "./links.ts";
import { postWebhook } from "./webhook.ts";

/** What became of a callback this run: its final status, or `none` when not requested. */
export type CallbackStatus = "none" | "delivered" | "failed" | "skipped" | "pending";

export const EMAIL_NOT_CONFIGURED = "email delivery is not configured";

/**
 * Sends the job's webhook, once: a record that already left `pending` (delivered or failed
 * on an earlier run) is not sent again. A failed webhook never fails the job.
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
  const payload = {
    event: "job.completed" as const,
    job_id: job.id,
    domain: job.domain,
    slug: job.slug,
    ...links,
  };
  const result = await postWebhook(job.webhookUrl, payload, {
    timeoutMs: svc.config.WEBHOOK_TIMEOUT_MS,
    allowPrivate: svc.config.WEBHOOK_ALLOW_PRIVATE,
  });
  const lastError = result.status === "failed" ? result.error : null;
  await settleCallback(svc.db, row, { status: result.status, attempts: 1, lastError });
  log.info({ webhook: result.status, error: lastError ?? undefined }, "webhook attempt");
  return result.status;
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
