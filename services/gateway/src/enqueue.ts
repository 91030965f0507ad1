import { eq } from "drizzle-orm";
import { jobs } from "@shopsniffer/shared/db/schema";
import { AppError } from "@shopsniffer/shared/errors";
import { ProgressReporter } from "@shopsniffer/shared/jobs/progress";
import type { JobRow } from "@shopsniffer/shared/jobs/state";
import { publishStage } from "@shopsniffer/shared/nats/stage-runner";
import { isoNow } from "@shopsniffer/shared/time";
import type { GatewayDeps } from "./deps.ts";

export type NewJob = Pick<
  JobRow,
  "domain" | "slug" | "webhookUrl" | "notifyEmail" | "type" | "indexer" | "userId" | "retryOf"
>;

/**
 * Stores a `pending` job and hands it to the pipeline's first stage. If NATS refuses the
 * message the job is marked errored (it stays for inspection) and the caller gets a 503.
 */
export async function enqueueJob(deps: GatewayDeps, fields: NewJob): Promise<JobRow> {
  const { svc } = deps;
  const now = isoNow();
  const job: JobRow = {
    ...emptyJob(),
    ...fields,
    id: crypto.randomUUID(),
    status: "pending",
    createdAt: now,
    updatedAt: now,
  };
  await svc.db.write((db) => db.insert(jobs).values(job));
  try {
    await new ProgressReporter(svc.js, svc.names, svc.db).status(job.id, "sitemap", 0);
    await publishStage(svc, job.id, "sitemap");
  } catch (error) {
    svc.log.error({ jobId: job.id, err: error }, "job could not be queued");
    await svc.db.write((db) =>
      db
        .update(jobs)
        .set({ status: "errored", errorStep: "sitemap", errorMessage: "could not be queued" })
        .where(eq(jobs.id, job.id)),
    );
    throw new AppError("unavailable", "The job queue is unavailable; try again shortly.");
  }
  return job;
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
