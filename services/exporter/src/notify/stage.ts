import { jobs } from "@shopsniffer/shared/db/schema";
import { finishStep, getJob, startStep } from "@shopsniffer/shared/jobs/state";
import type { StageRun, StageSpec } from "@shopsniffer/shared/nats/stage-runner";
import { isoNow } from "@shopsniffer/shared/time";
import { and, eq, notInArray } from "drizzle-orm";
import type { ExporterService } from "../config.ts";
import { queueNotifications } from "../delivery/queue.ts";
import { jobLinks } from "@shopsniffer/shared/jobs/links";

/**
 * The `notify` stage (step `notify-callbacks`): queues the job's `job.completed` webhook and
 * email (records them `pending` and publishes their delivery message), then marks the job
 * completed and publishes `status` and `complete`.
 *
 * A `completed` job has queued its notifications; the delivery worker makes the first
 * attempt at once and retries with back-off, so nothing here waits for a receiver. That
 * first attempt may land just before the job is marked `completed`: a receiver that calls
 * `GET /api/jobs/:id` at once may still see `processing`, and should poll `status_url` until
 * `completed` before fetching files.
 *
 * Safe to run twice: queueing keeps existing records and its publish is deduplicated. A
 * finished job is never handed to this stage; the stage runner acks its messages unhandled.
 */
export function notifyStage(svc: ExporterService): StageSpec {
  return { stage: "notify", firstStep: "notify-callbacks", handle: (run) => runNotify(svc, run) };
}

async function runNotify(svc: ExporterService, run: StageRun) {
  const job = run.job;
  // A job that already ended, or an attempt abandoned at its deadline, announces nothing.
  if (!(await startStep(svc.db, job.id, "notify-callbacks", run.attempt))) return;
  run.signal.throwIfAborted();
  const queued = await queueNotifications(svc, job, "job.completed");
  await finishStep(svc.db, job.id, "notify-callbacks", "completed", queued, run.attempt);
  await run.progress.step(job.id, "notify-callbacks", "completed");
  await completeJob(svc, run, jobLinks(svc.config.PUBLIC_URL, job.id).report_url);
}

/**
 * Marks the job completed in one write, then publishes `status` and `complete`. A job that
 * already ended (an attempt abandoned at its deadline, finishing after the job errored) is left
 * as it is.
 */
async function completeJob(svc: ExporterService, run: StageRun, reportUrl: string) {
  const jobId = run.job.id;
  const now = isoNow();
  const completed = await svc.db.write((db) =>
    db
      .update(jobs)
      .set({
        status: "completed",
        completedAt: now,
        updatedAt: now,
        progress: 1000,
        currentStep: "notify-callbacks",
      })
      .where(and(eq(jobs.id, jobId), notInArray(jobs.status, ["completed", "errored"])))
      .returning({ id: jobs.id }),
  );
  if (completed.length === 0) return;
  const job = await getJob(svc.db, jobId);
  await run.progress.publish({
    type: "status",
    status: "completed",
    step: "notify-callbacks",
    progress: 1,
    job_id: jobId,
    product_count: job?.productCount ?? 0,
    collection_count: job?.collectionCount ?? 0,
    page_count: job?.pageCount ?? 0,
    at: now,
  });
  await run.progress.publish({ type: "complete", job_id: jobId, report_url: reportUrl, at: now });
}
