import { jobs } from "@shopsniffer/shared/db/schema";
import { AppError } from "@shopsniffer/shared/errors";
import { publishEvent } from "@shopsniffer/shared/jobs/events";
import { ProgressReporter } from "@shopsniffer/shared/jobs/progress";
import { failJob, type JobRow } from "@shopsniffer/shared/jobs/state";
import { publishStage } from "@shopsniffer/shared/nats/stage-runner";
import type { ServiceContext } from "@shopsniffer/shared/service";
import { isoNow } from "@shopsniffer/shared/time";
import type { GatewayDeps } from "./deps.ts";

const QUEUE_DOWN = "The job queue is unavailable; try again shortly.";

export type NewJob = Pick<
  JobRow,
  | "domain"
  | "slug"
  | "webhookUrl"
  | "notifyEmail"
  | "type"
  | "indexer"
  | "userId"
  | "apiKeyId"
  | "retryOf"
>;

/**
 * Stores a `pending` job and hands it to the pipeline's first stage. If NATS refuses the
 * message the job is marked errored (it stays for inspection) and the caller gets a 503;
 * with `whenQueueDown: "keep-pending"` (a job already paid for) it stays `pending` instead, and
 * the pending-job sweeper queues it once NATS takes messages again.
 */
export async function enqueueJob(
  deps: GatewayDeps,
  fields: NewJob & { id?: string },
  whenQueueDown: "error" | "keep-pending" = "error",
): Promise<JobRow> {
  const { svc } = deps;
  const now = isoNow();
  const job: JobRow = {
    ...emptyJob(),
    ...fields,
    // A paid job's id is reserved with its payment, before settlement.
    id: fields.id ?? crypto.randomUUID(),
    status: "pending",
    createdAt: now,
    updatedAt: now,
  };
  // A gateway that dies between this insert and the publish below leaves the job pending;
  // the pending-job sweeper (pending-sweeper.ts) queues it again.
  await svc.db.write((db) => db.insert(jobs).values(job));
  try {
    await new ProgressReporter(svc.js, svc.names, svc.db).status(job.id, "sitemap", 0);
    await publishStage(svc, job.id, "sitemap");
    await publishJobCreated(svc, job);
  } catch (error) {
    if (whenQueueDown === "keep-pending") {
      if (svc.config.JOB_PENDING_SWEEP_MS > 0) {
        svc.log.warn(
          { jobId: job.id, err: error },
          "job not queued yet; the sweeper will queue it",
        );
      } else {
        const hint = "paid job not queued, and JOB_PENDING_SWEEP_MS=0: nothing will queue it";
        svc.log.error({ jobId: job.id, err: error }, hint);
      }
      return job;
    }
    svc.log.error({ jobId: job.id, err: error }, "job could not be queued");
    const failure = { code: "unavailable" as const, message: QUEUE_DOWN, retryable: false };
    await failJob(svc.db, job.id, "sitemap", failure, 1);
    throw new AppError("unavailable", QUEUE_DOWN);
  }
  return job;
}

/**
 * Announces a stored job on the events stream (`job.created`). The enqueue path and the
 * pending-job sweeper (for a job whose gateway died before announcing it) both send it.
 */
export async function publishJobCreated(
  svc: Pick<ServiceContext, "js" | "names">,
  job: JobRow,
): Promise<void> {
  await publishEvent(svc.js, svc.names, "job.created", {
    job_id: job.id,
    domain: job.domain,
    slug: job.slug,
    user_id: job.userId,
    retry_of: job.retryOf,
    at: job.createdAt,
  });
}

function emptyJob(): Omit<JobRow, keyof NewJob | "id" | "status" | "createdAt" | "updatedAt"> {
  return {
    completedAt: null,
    currentStep: null,
    progress: 0,
    productCount: 0,
    collectionCount: 0,
    pageCount: 0,
    shopMeta: null,
    insights: null,
    downloads: null,
    errorStep: null,
    errorCode: null,
    errorMessage: null,
    errorAttempts: null,
  };
}
