import type { Consumer, JsMsg, NatsConnection } from "nats";
import { AppError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { deadlineError } from "./deadline.ts";

/**
 * A message while this process owns it. Once handed back on shutdown, its handler may still
 * be running, but nothing it does may settle or extend a delivery another process now owns.
 */
export interface Lease {
  msg: JsMsg;
  handedBack: boolean;
  /**
   * Fires when the message's deadline passes (`PullLoopOptions.deadlineMs`), its reason an
   * `AppError` naming the deadline, or when the message is handed back on shutdown. Heartbeats
   * stop then, so a handler that ignores it gets its message back from NATS after the ack
   * wait at the latest.
   */
  signal: AbortSignal;
  /**
   * Keeps this message's concurrency slot taken until `work` settles, even after the handler
   * returned: work abandoned at the deadline still uses its CPU, memory or browser, so the
   * loop pulls no message in its place until it has ended.
   */
  holdSlot(work: Promise<unknown>): void;
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
 * with the message is the handler's call). A slot stays taken until the work the handler
 * registered with `holdSlot` has settled, even past the deadline. A handler that throws is
 * logged and its message nak'ed, never crashing the process.
 * Returns `stop`: it stops pulling at once and hands back the messages of handlers still
 * running after the grace period (nak, so another process takes them without waiting).
 */
export function pullLoop(
  consumer: Consumer,
  options: PullLoopOptions,
  handle: (lease: Lease) => Promise<void>,
): () => Promise<void> {
  const running = new Map<Promise<void>, Held>();
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
      const held = holdable(msg);
      const { lease, deadline } = held;
      const task = withHeartbeat(lease, options, deadline, () => handle(lease))
        .catch((error) => handlerCrashed(options.log, lease, error))
        .then(() => outlived(options.log, held))
        .finally(() => running.delete(task));
      running.set(task, held);
    }
  })();
  return async () => {
    stopped = true;
    wake();
    await loop;
    await handBackAfterGrace(options, running);
  };
}

/** A lease with what only the loop touches: its deadline and the work holding its slot. */
interface Held {
  lease: Lease;
  deadline: AbortController;
  work: Promise<unknown>[];
}

function holdable(msg: JsMsg): Held {
  const deadline = new AbortController();
  const work: Promise<unknown>[] = [];
  const lease: Lease = {
    msg,
    handedBack: false,
    signal: deadline.signal,
    holdSlot: (promise) => work.push(promise.catch(() => undefined)),
  };
  return { lease, deadline, work };
}

/**
 * Waits for work the handler left running (abandoned at its deadline), logging how long.
 * FIXME: work that never settles holds its slot for the life of the process; once every slot
 * is held so, the process consumes nothing more while its readiness still reports ready.
 */
async function outlived(log: Logger, held: Held) {
  const started = performance.now();
  const settled = Promise.all(held.work).then(() => true);
  if (await Promise.race([settled, Bun.sleep(0).then(() => false)])) return;
  const { subject, seq } = held.lease.msg;
  log.warn({ subject, seq }, "handler outlived its message; its slot stays taken until it ends");
  await settled;
  const lateMs = Math.round(performance.now() - started);
  log.warn({ subject, seq, lateMs }, "abandoned handler ended; slot freed");
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

async function handBackAfterGrace(options: PullLoopOptions, running: Map<Promise<void>, Held>) {
  const grace = Bun.sleep(options.shutdownGraceMs).then(() => "timeout" as const);
  const settled = Promise.allSettled(running.keys()).then(() => "done" as const);
  if ((await Promise.race([settled, grace])) === "done") return;
  for (const { lease, deadline } of running.values()) {
    lease.handedBack = true;
    // A no-op for a message already settled (its handler was abandoned at the deadline).
    lease.msg.nak();
    deadline.abort(new AppError("internal", "handed back on shutdown", true));
  }
  options.log.warn({ handedBack: running.size }, "stopped with messages in hand; handed back");
}
