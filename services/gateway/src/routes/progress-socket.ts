import { Elysia, t } from "elysia";
import type { Consumer, ConsumerMessages } from "nats";
import { progressEventSchema } from "@shopsniffer/shared/contracts/messages";
import { finalEvent } from "@shopsniffer/shared/jobs/final-event";
import { jobOutcome } from "@shopsniffer/shared/jobs/outcome";
import { getJob } from "@shopsniffer/shared/jobs/state";
import { trackWebSocket } from "@shopsniffer/shared/metrics";
import { clientAddressOf } from "../auth/client-address.ts";
import type { GatewayDeps } from "../deps.ts";
import { isUuid } from "./job-handlers.ts";
import { SocketCounts, type SocketKeys, socketKeys } from "./socket-limits.ts";

/** Something that can receive WebSocket frames: Elysia's socket in practice. */
interface Socket {
  id: string;
  send(data: string): unknown;
  close(code?: number, reason?: string): unknown;
}

/** How often a live session checks the database for a job that ended without its event. */
const WATCHDOG_MS = 15_000;

/** One client following one job. */
interface Session {
  /** What the socket counts against in the per-client and per-job caps. */
  keys: SocketKeys;
  closed: boolean;
  finished: boolean;
  consumer?: Consumer;
  messages?: ConsumerMessages;
  /** The consumer has been stopped and deleted. */
  released?: boolean;
  watchdog?: Timer;
}

/**
 * `GET /ws/:jobId`: replays the job's progress events from the progress stream, then streams new
 * ones live, and closes after `complete` or `error`. Any gateway replica can serve any job. If
 * a finished job's final event is missing (lost, or aged out), it is rebuilt from the database.
 * Each frame carries the event's stream `seq`; a close with code 1013 means "reconnect".
 * Past `WS_MAX_PER_CLIENT` or `WS_MAX_PER_JOB` open sockets (in this process) the upgrade is
 * refused with a 429 `{ error, code }`; should sockets of a burst all pass that check before
 * any of them opens, those past the cap are closed with 1008 and the same sentence.
 */
export function progressSocketRoutes(deps: GatewayDeps) {
  const sessions = new Map<string, Session>();
  const counts = new SocketCounts(deps.svc.config);
  const keysOf = (request: Request, jobId: string) => socketKeys(clientAddressOf(request), jobId);
  return new Elysia().ws("/ws/:jobId", {
    params: t.Object({ jobId: t.String({ maxLength: 200 }) }),
    // Elysia may run this twice per upgrade, so it only looks; `open` does the counting.
    beforeHandle({ request, params }) {
      counts.check(keysOf(request, params.jobId));
    },
    async open(ws) {
      const keys = keysOf(ws.data.request, ws.data.params.jobId);
      const refusal = counts.refusal(keys);
      if (refusal) {
        ws.close(1008, refusal);
        return;
      }
      counts.add(keys);
      const session: Session = { keys, closed: false, finished: false };
      sessions.set(ws.id, session);
      trackWebSocket(1);
      await followJob(deps, ws, ws.data.params.jobId, session).catch((error) => {
        // Not the job's failure: close as "try again" (1013) and let the client reconnect.
        deps.svc.log.warn({ err: error, jobId: ws.data.params.jobId }, "progress stream failed");
        release(session);
        ws.close(1013, "progress stream unavailable");
      });
    },
    // Runs for every ending, abnormal ones (1006) included.
    close(ws) {
      const session = sessions.get(ws.id);
      if (!session) return;
      sessions.delete(ws.id);
      trackWebSocket(-1);
      counts.remove(session.keys);
      release(session);
    },
    detail: { summary: "Live progress of a job (WebSocket)", tags: ["Jobs"] },
  });
}

async function followJob(deps: GatewayDeps, ws: Socket, jobId: string, session: Session) {
  const job = isUuid(jobId) ? await getJob(deps.svc.db, jobId.toLowerCase()) : undefined;
  if (!job) {
    const unknown = { type: "error", job_id: jobId, error: "Job not found", code: "not_found" };
    finish(ws, session, unknown, "job not found");
    return;
  }
  const { js, names } = deps.svc;
  // An ordered consumer starts at the job's first event. (Passing deliver_policy explicitly
  // makes consume() hang with nats 2.29 against nats-server 2.9.)
  const consumer = await js.consumers.get(names.progressStream, {
    filterSubjects: names.progress(job.id),
    // Reaped by the server soon after a gateway dies without deleting it.
    inactive_threshold: 30_000,
  });
  if (session.closed) return;
  const messages = await consumer.consume();
  session.consumer = consumer;
  session.messages = messages;
  // The client may have left while the consumer was being created.
  if (session.closed) return release(session);
  const check = () =>
    void finishAfterReplay(deps, ws, job.id, session).catch((error) => {
      deps.svc.log.warn({ err: error, jobId: job.id }, "progress watchdog failed");
    });
  session.watchdog = setInterval(check, WATCHDOG_MS);
  if (job.status === "completed" || job.status === "errored") check();
  await forward(ws, session);
}

/** Sends events to the socket in order until the job's final event or the socket closes. */
async function forward(ws: Socket, session: Session) {
  for await (const msg of session.messages ?? []) {
    if (session.closed || session.finished) break;
    const event = progressEventSchema.safeParse(safeJson(msg.string()));
    if (!event.success) continue;
    // `seq` orders a job's events across reconnects: a client skips what it has seen.
    const frame = { ...event.data, seq: msg.seq };
    if (event.data.type === "complete" || event.data.type === "error") {
      finish(ws, session, frame, event.data.type);
      break;
    }
    ws.send(JSON.stringify(frame));
  }
}

/**
 * For a job the database says is finished but whose stream lacks the final event (lost, or
 * aged out): once the replay has caught up, sends the event rebuilt from the database.
 */
async function finishAfterReplay(deps: GatewayDeps, ws: Socket, jobId: string, session: Session) {
  if (session.closed || session.finished) return;
  const job = await getJob(deps.svc.db, jobId);
  const outcome = job ? await jobOutcome(deps.svc.db, job) : null;
  const event = job ? finalEvent(job, deps.svc.config.PUBLIC_URL, outcome) : null;
  if (!event || (await lastEventIsFinal(deps, jobId))) return;
  const total = await countEvents(deps, jobId);
  const deadline = Date.now() + 5_000;
  while (!session.finished && (session.messages?.getProcessed() ?? 0) < total) {
    if (Date.now() > deadline) break;
    await Bun.sleep(50);
  }
  finish(ws, session, event, event.type);
}

function finish(ws: Socket, session: Session, event: object, reason: string) {
  if (session.closed || session.finished) return;
  session.finished = true;
  ws.send(JSON.stringify(event));
  ws.close(1000, reason);
  release(session);
}

/** Stops the session's consumer and deletes it from the server. Safe to call again. */
function release(session: Session) {
  session.closed = true;
  clearInterval(session.watchdog);
  const { consumer, messages } = session;
  if (!consumer || session.released) return;
  session.released = true;
  void (async () => {
    await messages?.close().catch(() => undefined);
    await consumer.delete().catch(() => undefined);
  })();
}

async function lastEventIsFinal(deps: GatewayDeps, jobId: string): Promise<boolean> {
  const { jsm, names } = deps.svc;
  const last = await jsm.streams
    .getMessage(names.progressStream, { last_by_subj: names.progress(jobId) })
    .catch(() => null);
  const type = (safeJson(last?.string() ?? "") as { type?: string } | null)?.type;
  return type === "complete" || type === "error";
}

async function countEvents(deps: GatewayDeps, jobId: string): Promise<number> {
  const { jsm, names } = deps.svc;
  const subject = names.progress(jobId);
  const info = await jsm.streams.info(names.progressStream, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
