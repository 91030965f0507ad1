import type { DeliveryMessage } from "@shopsniffer/shared/contracts/messages";
import type { JobRow } from "@shopsniffer/shared/jobs/state";
import type { ServiceContext } from "@shopsniffer/shared/service";
import {
  type CallbackKind,
  type CallbackRow,
  claimCallback,
  type DeliveryEvent,
} from "./records.ts";

/** Each notification's record status after queueing, or `none` when the job has none. */
export type QueuedNotifications = Record<CallbackKind, CallbackRow["status"] | "none">;

/**
 * Records the job's webhook and email of `event` as `pending` (records already there stay
 * as they are) and publishes the delivery message that the delivery worker attempts them
 * from. Publishes nothing when the job asked for no notification. Safe to run twice: the
 * msgID drops a repeated publish, and the worker acks a message whose records are settled.
 */
export async function queueNotifications(
  svc: ServiceContext,
  job: JobRow,
  event: DeliveryEvent,
): Promise<QueuedNotifications> {
  const queued: QueuedNotifications = { webhook: "none", email: "none" };
  const targets: Array<[CallbackKind, string | null]> = [
    ["webhook", job.webhookUrl],
    ["email", job.notifyEmail],
  ];
  for (const [kind, target] of targets) {
    if (!target) continue;
    const row = await claimCallback(svc.db, { jobId: job.id, kind, event }, target);
    queued[kind] = row.status;
  }
  if (queued.webhook === "none" && queued.email === "none") return queued;
  const message: DeliveryMessage = { jobId: job.id, event };
  await svc.js.publish(svc.names.delivery(event), JSON.stringify(message), {
    msgID: svc.names.deliveryMsgId(job.id, event),
  });
  return queued;
}
