import type { Consumer, JsMsg, NatsConnection } from "nats";
import { AppError } from "../errors.ts";
import type { Logger } from "../log.ts";

/**
 * A message while this process owns it. Once handed back on shutdown, its handler may still
 * be running, but nothing it does may settle or extend a delivery another process now owns.
 */
export interface Lease {
  msg: JsMsg;
  handedBack: boolean;
  /**
   * Fires when the message's deadline passes (`PullLoopOptions.deadlineMs`), its reason an
   * `AppError` naming the deadline. Heartbeats stop then, so a handler that ignores it gets
   * its message back from NATS after the ack wait at the latest.
   */
  signal: AbortSignal;
}

export interface PullLoopOptions {
  nc: NatsConnection;
  log: Logger;
  /** Messages handled at once; one is pulled per free slot, none ahead. */
  concurrency: number;
  /** Interval of `working()` heartbeats while a handler runs (a third of the ack wait). */
  heartbeatMs: number;
  /** On stop, how long running handlers may finish before their messages are handed back. */
  shutdownGraceMs: number;
  /** Longest a handler may hold one message; unset or 0: no deadline. */
  deadlineMs?: number;
  /** Names the work in the deadline's failure message, e.g. "sitemap stage". */
  what?: string;
}

const PULL_EXPIRES_MS = 2_000;

/**
 * Pulls one message per free slot from `consumer` and runs `handle` on it, heartbeating while
 * it runs, until `deadlineMs`: then the lease's signal fires and heartbeats stop (what to do
 * with the message is the handler's call). A handler that throws is logged and its message
 * nak'ed, never crashing the process.
 * Returns `stop`: it stops pulling at once and hands back the messages of handlers still
 * running after the grace period (nak, so another process takes them without waiting).
 */
export function pullLoop(
  consumer: Consumer,
  options: PullLoopOptions,
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
      if (running.size >= options.concurrency) {
        await Promise.race([...running.keys(), stopSignal]);
        continue;
      }
      const msg = await pullOne(consumer, options);
      if (!msg || stopped) {
        msg?.nak();
        continue;
      }
      const deadline = new AbortController();
      const lease: Lease = { msg, handedBack: false, signal: deadline.signal };
      const task = withHeartbeat(lease, options, deadline, () => handle(lease))
        .catch((error) => handlerCrashed(options.log, lease, error))
        .finally(() => running.delete(task));
      running.set(task, lease);
    }
  })();
  return async () => {
    stopped = true;
    wake();
    await loop;
    await handBackAfterGrace(options, running);
  };
}

async function pullOne(consumer: Consumer, options: PullLoopOptions): Promise<JsMsg | null> {
  try {
    return await consumer.next({ expires: PULL_EXPIRES_MS });
  } catch (error) {
    if (!options.nc.isClosed()) options.log.warn({ err: error }, "pull failed; retrying");
    await Bun.sleep(1_000);
    return null;
  }
}

/**
 * Heartbeats `working()` while `run` runs, until the deadline: then the lease's signal fires
 * and the heartbeat stops, so a hung handler cannot keep its message forever.
 */
async function withHeartbeat(
  lease: Lease,
  options: PullLoopOptions,
  deadline: AbortController,
  run: () => Promise<void>,
) {
  const beat = () => lease.handedBack || lease.signal.aborted || lease.msg.working();
  const heartbeat = setInterval(beat, Math.max(500, options.heartbeatMs));
  const { deadlineMs = 0, what = "message" } = options;
  const timer =
    deadlineMs > 0
      ? setTimeout(() => deadline.abort(deadlineError(what, deadlineMs)), deadlineMs)
      : undefined;
  try {
    await run();
  } finally {
    clearInterval(heartbeat);
    clearTimeout(timer);
  }
}

function deadlineError(what: string, deadlineMs: number): AppError {
  const limit = deadlineMs >= 10_000 ? `${Math.round(deadlineMs / 1000)} s` : `${deadlineMs} ms`;
  return new AppError("internal", `${what} did not finish within its deadline of ${limit}`, true);
}

/**
 * Settles with `work`, or rejects with the signal's reason when it fires first; `work` is then
 * abandoned (it may still finish, but nothing waits for it).
 */
export function beforeDeadline(work: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Last line of defence: a bookkeeping error must not take the service down. */
function handlerCrashed(log: Logger, lease: Lease, error: unknown) {
  const { subject, seq } = lease.msg;
  log.error({ jobId: jobIdOf(lease.msg), subject, seq, err: error }, "message not handled");
  if (lease.handedBack) return;
  try {
    lease.msg.nak(5_000);
  } catch {
    // The connection is gone; the message comes back after its ack wait.
  }
}

/** The `jobId` a pipeline or delivery message names, for log lines outside its handler. */
function jobIdOf(msg: JsMsg): string | undefined {
  try {
    const jobId = (msg.json() as { jobId?: unknown }).jobId;
    return typeof jobId === "string" ? jobId : undefined;
  } catch {
    return undefined;
  }
}

async function handBackAfterGrace(options: PullLoopOptions, running: Map<Promise<void>, Lease>) {
  const grace = Bun.sleep(options.shutdownGraceMs).then(() => "timeout" as const);
  const settled = Promise.allSettled(running.keys()).then(() => "done" as const);
  if ((await Promise.race([settled, grace])) === "done") return;
  for (const lease of running.values()) {
    lease.handedBack = true;
    lease.msg.nak();
  }
  options.log.warn({ handedBack: running.size }, "stopped with messages in hand; handed back");
}
