import type { JobRow } from "@shopsniffer/shared/jobs/state";
import type { ExporterConfig } from "../config.ts";
import { attemptNotification, type AttemptContext, type Notification } from "./attempt.ts";
import { emailContent } from "./email-content.ts";
import type { Mailer } from "./email.ts";
import { webhookId, webhookPayload } from "./payload.ts";
import type { DeliveryEvent } from "./records.ts";
import type { WebhookSigner } from "./signature.ts";
import { postWebhook } from "./webhook.ts";

/** What a delivery needs besides the job: settings, the signer and the mail transport. */
export interface Transports {
  config: ExporterConfig;
  signer: WebhookSigner;
  /** Null when `SMTP_URL` is unset. */
  mailer: Mailer | null;
}

export const EMAIL_NOT_CONFIGURED = "email delivery is not configured (SMTP_URL is unset)";

/** The job's notifications of `event`: its webhook and its email, each when it has one. */
export function notificationsOf(t: Transports, job: JobRow, event: DeliveryEvent) {
  const list: Notification[] = [];
  if (job.webhookUrl) list.push(webhookNotification(t, job, job.webhookUrl, event));
  if (job.notifyEmail) list.push(emailNotification(t, job, job.notifyEmail, event));
  return list;
}

/** Attempts every notification of the job that is due; see `attemptNotification`. */
export function attemptAll(ctx: AttemptContext, notifications: Notification[]) {
  return Promise.all(notifications.map((n) => attemptNotification(ctx, n)));
}

function webhookNotification(
  t: Transports,
  job: JobRow,
  target: string,
  event: DeliveryEvent,
): Notification {
  const body = JSON.stringify(webhookPayload(job, event, t.config.PUBLIC_URL));
  const id = webhookId(job.id, event);
  const options = {
    timeoutMs: t.config.WEBHOOK_TIMEOUT_MS,
    allowPrivate: t.config.WEBHOOK_ALLOW_PRIVATE,
  };
  // Signed at each attempt, so the timestamp is fresh even hours after the first one.
  const send = () => postWebhook(target, body, t.signer.headers(id, body), options);
  return { kind: "webhook", target, send };
}

function emailNotification(
  t: Transports,
  job: JobRow,
  target: string,
  event: DeliveryEvent,
): Notification {
  const mailer = t.mailer;
  if (!mailer) {
    return { kind: "email", target, skipReason: EMAIL_NOT_CONFIGURED };
  }
  const content = emailContent(job, event, t.config.PUBLIC_URL);
  // The same Message-ID on every attempt lets mail clients fold a repeat into one message.
  const messageId = `<${job.id}.${event}@shopsniffer>`;
  return { kind: "email", target, send: () => mailer.send(target, content, messageId) };
}
