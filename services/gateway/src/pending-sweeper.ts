import { jobs } from "@shopsniffer/shared/db/schema";
import type { JobRow } from "@shopsniffer/shared/jobs/state";
import { publishStage } from "@shopsniffer/shared/nats/stage-runner";
import { PIPELINE_DUPLICATE_WINDOW_MS } from "@shopsniffer/shared/nats/streams";
import type { ServiceContext } from "@shopsniffer/shared/service";
import { isoNow } from "@shopsniffer/shared/time";
import { and, asc, eq, lt } from "drizzle-orm";
import { publishJobCreated } from "./enqueue.ts";

/** Jobs looked at per sweep, oldest first; the rest wait for the next one. */
const SWEEP_BATCH = 100;
/**
 * Below this age a repeated publish of a job's first stage is always dropped by JetStream
 * (inside the pipeline stream's duplicate window), whatever the queue holds. A minute short of
 * the window, for the time between stamping `created_at` and the first publish, and for
 * clocks of replicas that disagree a little.
 */
const DEDUP_SAFE_AGE_MS = PIPELINE_DUPLICATE_WINDOW_MS - 60_000;

export interface PendingSweepSettings {
  /** Time between sweeps; 0 turns the sweeper off. */
  everyMs: number;
  /** A job still `pending` this long after it was created is queued again. */
  afterMs: number;
}

/**
 * Queues again the jobs a gateway stored but died before queueing (they would stay `pending`
 * for good). Every replica may run it: the stage message keeps its msgID, so JetStream drops
 * a repeat within its duplicate window. Older jobs are queued again only while no `sitemap`
 * message waits in the stream, since then none of them can be merely queued behind others.
 */
export function startPendingSweeper(svc: ServiceContext, settings: PendingSweepSettings) {
  if (settings.everyMs <= 0) return { stop: async () => {} };
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = sweepPendingJobs(svc, settings.afterMs)
      .catch((error) => svc.log.warn({ err: error }, "pending job sweep failed"))
      .finally(() => {
        running = null;
      });
  }, settings.everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** One sweep; returns the ids of the jobs it queued again. */
export async function sweepPendingJobs(svc: ServiceContext, afterMs: number): Promise<string[]> {
  // Read the queue before the jobs: a job still pending after the queue was seen empty was
  // not waiting in it (one queued meanwhile is young enough for the msgID to cover it).
  const queued = await sitemapBacklog(svc);
  const now = Date.now();
  const stale = await svc.db.db
    .select()
    .from(jobs)
    .where(and(eq(jobs.status, "pending"), lt(jobs.createdAt, isoNow(new Date(now - afterMs)))))
    .orderBy(asc(jobs.createdAt))
    .limit(SWEEP_BATCH);
  const requeued: string[] = [];
  for (const job of stale) {
    const ageMs = now - Date.parse(job.createdAt);
    if (queued > 0 && ageMs >= DEDUP_SAFE_AGE_MS) continue;
    if (await requeue(svc, job)) requeued.push(job.id);
  }
  if (requeued.length > 0) svc.log.warn({ jobIds: requeued }, "pending jobs queued again");
  return requeued;
}

/** Publishes the job's first stage; true when JetStream took it as a new message. */
async function requeue(svc: ServiceContext, job: JobRow): Promise<boolean> {
  const ack = await publishStage(svc, job.id, "sitemap");
  if (ack.duplicate) return false;
  // The gateway died before announcing the job, too.
  await publishJobCreated(svc, job);
  return true;
}

/** Messages on the `sitemap` subject still in the pipeline stream: waiting or being handled. */
async function sitemapBacklog(svc: ServiceContext): Promise<number> {
  const subject = svc.names.stage("sitemap");
  const info = await svc.jsm.streams.info(svc.names.pipelineStream, {
    subjects_filter: subject,
  });
  return info.state.subjects?.[subject] ?? 0;
}
