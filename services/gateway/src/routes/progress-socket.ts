import { Elysia, t } from "elysia";
import { type ProgressEvent, progressEventSchema } from "@shopsniffer/shared/contracts/messages";
import { getJob, type JobRow } from "@shopsniffer/shared/jobs/state";
import { isoNow } from "@shopsniffer/shared/time";
import type { GatewayDeps } from "../deps.ts";
import { isUuid } from "./jobs.ts";

/** Something that can receive WebSocket frames: Elysia's socket or a test double. */
interface Socket {
  id: string;
  send(data: string): unknown;
  close(code?: number, reason?: string): unknown;
}

/**
 * `GET /ws/:jobId`: replays the job's progress events from the progress stream, then streams new
 * ones live, and closes after `complete` or `error`. Any gateway replica can serve any job.
 */
export function progressSocketRoutes(deps: GatewayDeps) {
  const streams = new Map<string, () => void>();
  return new Elysia().ws("/ws/:jobId", {
    params: t.Object({ jobId: t.String({ maxLength: 200 }) }),
    async open(ws) {
      const stop = await followJob(deps, ws, ws.data.params.jobId);
      if (stop) streams.set(ws.id, stop);
    },
    close(ws) {
      streams.get(ws.id)?.();
      streams.delete(ws.id);
    },
    detail: { summary: "Live progress of a job (WebSocket)", tags: ["Jobs"] },
  });
}

async function followJob(deps: GatewayDeps, ws: Socket, jobId: string) {
  const job = isUuid(jobId) ? await getJob(deps.svc.db, jobId.toLowerCase()) : undefined;
  if (!job) {
    ws.send(JSON.stringify({ type: "error", error: "Job not found" }));
    ws.close(1000, "job not found");
    return null;
  }
  const finished = job.status === "completed" || job.status === "errored";
  if (finished && !(await hasEvents(deps, job.id))) {
    replayFromDatabase(deps, ws, job);
    return null;
  }
  const { js, names } = deps.svc;
  // An ordered consumer starts at the job's first event. (Passing deliver_policy explicitly
  // makes consume() hang with nats 2.29 against nats-server 2.9.)
  const consumer = await js.consumers.get(names.progressStream, {
    filterSubjects: names.progress(job.id),
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const msg of messages) {
      const event = progressEventSchema.safeParse(msg.json());
      if (!event.success) continue;
      ws.send(JSON.stringify(event.data));
      if (event.data.type === "complete" || event.data.type === "error") {
        ws.close(1000, event.data.type);
        break;
      }
    }
    await messages.close().catch(() => undefined);
  })();
  return () => void messages.close().catch(() => undefined);
}

async function hasEvents(deps: GatewayDeps, jobId: string): Promise<boolean> {
  const { jsm, names } = deps.svc;
  try {
    await jsm.streams.getMessage(names.progressStream, { last_by_subj: names.progress(jobId) });
    return true;
  } catch {
    return false;
  }
}

/** For jobs whose events have aged out of the stream: the stored state, then the end. */
function replayFromDatabase(deps: GatewayDeps, ws: Socket, job: JobRow) {
  const events: ProgressEvent[] = [
    {
      type: "status",
      status: job.status,
      step: (job.currentStep ?? "sitemap") as "sitemap",
      progress: job.progress / 1000,
      job_id: job.id,
      product_count: job.productCount,
      collection_count: job.collectionCount,
      page_count: job.pageCount,
      at: job.updatedAt,
    },
  ];
  if (job.status === "completed") {
    const report_url = `${deps.svc.config.PUBLIC_URL}/report/${job.id}`;
    events.push({ type: "complete", job_id: job.id, report_url, at: isoNow() });
  }
  if (job.status === "errored") {
    events.push({
      type: "error",
      job_id: job.id,
      step: (job.errorStep ?? "sitemap") as "sitemap",
      error: job.errorMessage ?? "failed",
      code: job.errorCode ?? "internal",
      attempts: job.errorAttempts ?? 1,
      at: isoNow(),
    });
  }
  for (const event of events) ws.send(JSON.stringify(event));
  ws.close(1000, job.status);
}
