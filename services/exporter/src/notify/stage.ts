import { jobs } from "@shopsniffer/shared/db/schema";
import { finishStep, getJob, startStep } from "@shopsniffer/shared/jobs/state";
import type { StageRun, StageSpec } from "@shopsniffer/shared/nats/stage-runner";
import { isoNow } from "@shopsniffer/shared/time";
import { eq } from "drizzle-orm";
import type { ExporterService } from "../config.ts";
import { deliverWebhook, recordEmail } from "./deliver.ts";
import { jobLinks } from "./links.ts";

/**
 * The `notify` stage (step `notify-callbacks`): sends the completion webhook, records the
 * email, then marks the job completed and publishes `status` and `complete`.
 *
 * Order, on purpose (the reference's contract): notifications go out before the job is marked
 * `completed`, so a `completed` job has already dispatched them. A webhook receiver that calls
 * `GET /api/jobs/:id` at once may still see `processing` and no downloads; it should wait for
 * `completed` (poll `status_url`) before fetching files.
 *
 * Safe to run twice: each callback is attempted at most once per record. A finished job is
 * never handed to this stage; the stage runner acks its messages without calling the handler.
 */
export function notifyStage(svc: ExporterService): StageSpec {
  return { stage: "notify", firstStep: "notify-callbacks", handle: (run) => runNotify(svc, run) };
}

async function runNotify(svc: ExporterService, run: StageRun) {
  const job = run.job;
  await startStep(svc.db, job.id, "notify-callbacks", run.attempt);
  const links = jobLinks(svc.config.PUBLIC_URL, job.id);
  const webhook = await deliverWebhook(svc, job, links, run.log);
  const email = await recordEmail(svc, job);
  await finishStep(svc.db, job.id, "notify-callbacks", "completed", { webhook, email });
  await run.progress.step(job.id, "notify-callbacks", "completed");
  await completeJob(svc, run, links.report_url);
}

/** Marks the job completed in one write, then publishes `status` and `complete`. */
async function completeJob(svc: ExporterService, run: StageRun, reportUrl: string) {
  const jobId = run.job.id;
  const now = isoNow();
  await svc.db.write((db) =>
    db
      .update(jobs)
      .set({
        status: "completed",
        completedAt: now,
        updatedAt: now,
        progress: 1000,
        currentStep: "notify-callbacks",
      })
      .where(eq(jobs.id, jobId)),
  );
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
