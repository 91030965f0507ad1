import {
  type DeliveryMessage,
  deliveryMessageSchema,
} from "@shopsniffer/shared/contracts/messages";
import { getJob, type JobRow } from "@shopsniffer/shared/jobs/state";
import type { Logger } from "@shopsniffer/shared/log";
import type { JsMsg } from "nats";
import type { ExporterService } from "../config.ts";
import type { RetryPolicy } from "./attempt.ts";
import { attemptAll, notificationsOf, type Transports } from "./notifications.ts";
import type { Lease } from "@shopsniffer/shared/nats/pull-loop";

export interface DeliveryDeps extends Transports {
  svc: ExporterService;
  policy: RetryPolicy;
  /** The consumer's `max_deliver`: on that delivery, nothing is left pending. */
  maxDeliveries: number;
}

/**
 * Handles one delivery message: makes the due attempt of each of the job's notifications,
 * then acks when all are settled, or naks with the shortest wait until one is due again. A
 * message that fails its schema, names an unknown job or an event the job's state
 * contradicts is terminated.
 */
export async function handleDelivery(deps: DeliveryDeps, lease: Lease): Promise<void> {
  const { msg } = lease;
  const message = parseDelivery(msg);
  if (!message) {
    deps.svc.log.error({ subject: msg.subject, seq: msg.seq }, "invalid delivery terminated");
    msg.term();
    return;
  }
  const log = deps.svc.log.child({ jobId: message.jobId, event: message.event });
  const job = await getJob(deps.svc.db, message.jobId);
  if (!job || !announces(job, message.event)) {
    log.warn({ status: job?.status ?? "unknown job" }, "delivery for no such outcome terminated");
    msg.term();
    return;
  }
  await deliver(deps, lease, job, message, log);
}

async function deliver(
  deps: DeliveryDeps,
  lease: Lease,
  job: JobRow,
  message: DeliveryMessage,
  log: Logger,
) {
  const delivery = lease.msg.info.redeliveryCount;
  const ctx = {
    db: deps.svc.db,
    jobId: job.id,
    event: message.event,
    policy: deps.policy,
    finalDelivery: delivery >= deps.maxDeliveries,
    log,
  };
  const outcomes = await attemptAll(ctx, notificationsOf(deps, job, message.event));
  if (lease.handedBack) return;
  const waits = outcomes.flatMap((o) => (o.settled ? [] : [o.retryInMs]));
  if (waits.length === 0) {
    lease.msg.ack();
    log.info({ delivery }, "notifications settled");
    return;
  }
  if (ctx.finalDelivery) {
    // Only a record another process holds is left; the broker would never redeliver this.
    lease.msg.term();
    log.warn({ delivery }, "delivery limit reached with notifications in flight elsewhere");
    return;
  }
  const delayMs = Math.max(0, Math.min(...waits));
  lease.msg.nak(delayMs);
  log.info({ delivery, delayMs }, "notifications retry later");
}

/**
 * True when the job's state agrees with the announced end: `job.failed` only for an errored
 * job; `job.completed` for one not errored (the notify stage queues it just before it marks
 * the job completed).
 */
function announces(job: JobRow, event: DeliveryMessage["event"]): boolean {
  return event === "job.failed" ? job.status === "errored" : job.status !== "errored";
}

function parseDelivery(msg: JsMsg): DeliveryMessage | null {
  try {
    const result = deliveryMessageSchema.safeParse(msg.json());
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}
