import type { JobRow } from "@shopsniffer/shared/jobs/state";
import { type JobLinks, jobLinks } from "@shopsniffer/shared/jobs/links";
import type { DeliveryEvent } from "./records.ts";

/** The reference's `job.completed` webhook body, field for field. */
export interface JobCompletedPayload extends JobLinks {
  event: "job.completed";
  job_id: string;
  domain: string;
  slug: string;
}

/** `job.failed`: the same fields plus what failed, as the job JSON's `error` shows it. */
export interface JobFailedPayload extends Omit<JobCompletedPayload, "event"> {
  event: "job.failed";
  error: { step: string | null; code: string | null; message: string | null; attempts: number };
}

export type WebhookPayload = JobCompletedPayload | JobFailedPayload;

/** The body announcing `event` for `job`, with its links under `publicUrl`. */
export function webhookPayload(job: JobRow, event: DeliveryEvent, publicUrl: string) {
  const base = { job_id: job.id, domain: job.domain, slug: job.slug };
  const links = jobLinks(publicUrl, job.id);
  if (event === "job.completed") {
    const payload: JobCompletedPayload = { event, ...base, ...links };
    return payload;
  }
  const payload: JobFailedPayload = { event, ...base, ...links, error: jobError(job) };
  return payload;
}

/**
 * The `webhook-id` of a job's notification: the same on every retry, so a receiver that has
 * seen it can drop the repeat.
 */
export function webhookId(jobId: string, event: DeliveryEvent): string {
  return `msg_${jobId}_${event}`;
}

/** What failed, as stored by the stage runner when the job errored. */
export function jobError(job: JobRow): JobFailedPayload["error"] {
  return {
    step: job.errorStep,
    code: job.errorCode,
    message: job.errorMessage,
    attempts: job.errorAttempts ?? 0,
  };
}
