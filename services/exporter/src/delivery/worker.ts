import { trackQueue } from "@shopsniffer/shared/metrics";
import { pullLoop } from "@shopsniffer/shared/nats/pull-loop";
import { AckPolicy, type Consumer, nanos } from "nats";
import type { ExporterService } from "../config.ts";
import { smtpMailer } from "./email.ts";
import { type DeliveryDeps, handleDelivery } from "./handle.ts";
import { webhookSigner } from "./signature.ts";

/**
 * The delivery consumer, declared in one place: what it reads (`<prefix>.delivery.>`, one
 * `deliveryMessageSchema` message per job end), how long a delivery may run between
 * heartbeats, and how often the broker may hand a message out. Back-off between attempts is
 * the nak delay, from `WEBHOOK_BACKOFF_MS`.
 */
const ACK_WAIT_MS = 30_000;
const SHUTDOWN_GRACE_MS = 3_000;

/**
 * Starts delivering job notifications: webhooks (signed when `WEBHOOK_SECRET` is set) and
 * email (when `SMTP_URL` is set), each retried with back-off up to `WEBHOOK_MAX_ATTEMPTS`.
 * Pulls one message per free slot. Returns a function that stops: deliveries still running
 * after a short grace are handed back to the broker.
 */
export async function startDeliveryWorker(svc: ExporterService): Promise<() => Promise<void>> {
  const deps = deliveryDeps(svc);
  const consumer = await ensureConsumer(svc, deps.maxDeliveries);
  if (!deps.signer.signs) svc.log.warn("webhooks are unsigned: WEBHOOK_SECRET is not set");
  if (!deps.mailer) svc.log.info("email notifications are skipped: SMTP_URL is not set");
  const options = {
    nc: svc.nc,
    log: svc.log.child({ consumer: svc.names.deliveryConsumer }),
    concurrency: svc.config.DELIVERY_CONCURRENCY,
    heartbeatMs: ACK_WAIT_MS / 3,
    shutdownGraceMs: SHUTDOWN_GRACE_MS,
  };
  const stopLoop = pullLoop(consumer, options, (lease) => handleDelivery(deps, lease));
  svc.log.info({ consumer: svc.names.deliveryConsumer }, "delivering notifications");
  return async () => {
    await stopLoop();
    deps.mailer?.close();
  };
}

/** The worker's collaborators from the settings. */
export function deliveryDeps(svc: ExporterService): DeliveryDeps {
  const { config } = svc;
  const mailer = config.SMTP_URL
    ? smtpMailer({
        url: config.SMTP_URL,
        from: config.SMTP_FROM,
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      })
    : null;
  return {
    svc,
    config,
    signer: webhookSigner(config.WEBHOOK_SECRET),
    mailer,
    policy: { maxAttempts: config.WEBHOOK_MAX_ATTEMPTS, backoffMs: config.WEBHOOK_BACKOFF_MS },
    // One more than our own limit, so a message whose attempts were cut short is settled.
    maxDeliveries: config.WEBHOOK_MAX_ATTEMPTS + 1,
  };
}

async function ensureConsumer(svc: ExporterService, maxDeliveries: number): Promise<Consumer> {
  const durable = svc.names.deliveryConsumer;
  const config = {
    durable_name: durable,
    filter_subject: svc.names.deliverySubjects,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(ACK_WAIT_MS),
    max_deliver: maxDeliveries,
  };
  await svc.jsm.consumers.add(svc.names.deliveryStream, config).catch(async () => {
    await svc.jsm.consumers.update(svc.names.deliveryStream, durable, config);
  });
  trackQueue(svc.jsm, svc.names.deliveryStream, durable);
  return svc.js.consumers.get(svc.names.deliveryStream, durable);
}
