import { AckPolicy, type Consumer, type JsMsg, nanos } from "nats";
import type { ExporterService } from "../config.ts";
import { smtpMailer } from "./email.ts";
import { type DeliveryDeps, handleDelivery, type Lease } from "./handle.ts";
import { webhookSigner } from "./signature.ts";

/**
 * The delivery consumer, declared in one place: what it reads (`<prefix>.delivery.>`, one
 * `deliveryMessageSchema` message per job end), how long a delivery may run between
 * heartbeats, and how often the broker may hand a message out. Back-off between attempts is
 * the nak delay, from `WEBHOOK_BACKOFF_MS`.
 */
const ACK_WAIT_MS = 30_000;
const PULL_EXPIRES_MS = 2_000;
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
  const stopLoop = pullLoop(svc, consumer, svc.config.DELIVERY_CONCURRENCY, (lease) =>
    handleDelivery(deps, lease),
  );
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
  return svc.js.consumers.get(svc.names.deliveryStream, durable);
}

/** Pulls one message per free slot and runs `handle` on it, heartbeating while it runs. */
function pullLoop(
  svc: ExporterService,
  consumer: Consumer,
  concurrency: number,
  handle: (lease: Lease) => Promise<void>,
): () => Promise<void> {
  const running = new Map<Promise<void>, Lease>();
  let stopped = false;
  let wake = () => {};
  const stopSignal = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const loop = (async () => {
    while (!stopped) {
      if (running.size >= concurrency) {
        await Promise.race([...running.keys(), stopSignal]);
        continue;
      }
      const msg = await pullOne(svc, consumer);
      if (!msg || stopped) {
        msg?.nak();
        continue;
      }
      const lease: Lease = { msg, handedBack: false };
      const task = withHeartbeat(lease, () => handle(lease))
        .catch((error) => handlerCrashed(svc, lease, error))
        .finally(() => running.delete(task));
      running.set(task, lease);
    }
  })();
  return async () => {
    stopped = true;
    wake();
    await loop;
    await handBackAfterGrace(svc, running);
  };
}

async function withHeartbeat(lease: Lease, run: () => Promise<void>): Promise<void> {
  const beat = () => lease.handedBack || lease.msg.working();
  const heartbeat = setInterval(beat, ACK_WAIT_MS / 3);
  try {
    await run();
  } finally {
    clearInterval(heartbeat);
  }
}

async function handBackAfterGrace(svc: ExporterService, running: Map<Promise<void>, Lease>) {
  const grace = Bun.sleep(SHUTDOWN_GRACE_MS).then(() => "timeout" as const);
  const settled = Promise.allSettled(running.keys()).then(() => "done" as const);
  if ((await Promise.race([settled, grace])) === "done") return;
  for (const lease of running.values()) {
    lease.handedBack = true;
    lease.msg.nak();
  }
  svc.log.warn({ handedBack: running.size }, "stopped mid-delivery");
}

async function pullOne(svc: ExporterService, consumer: Consumer): Promise<JsMsg | null> {
  try {
    return await consumer.next({ expires: PULL_EXPIRES_MS });
  } catch (error) {
    if (!svc.nc.isClosed()) svc.log.warn({ err: error }, "delivery pull failed; retrying");
    await Bun.sleep(1_000);
    return null;
  }
}

/** A bookkeeping error (the database went away) must not take the service down. */
function handlerCrashed(svc: ExporterService, lease: Lease, error: unknown) {
  svc.log.error({ seq: lease.msg.seq, err: error }, "delivery message not handled");
  if (lease.handedBack) return;
  try {
    lease.msg.nak(5_000);
  } catch {
    // The connection is gone; the message comes back after its ack wait.
  }
}
