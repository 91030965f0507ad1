import type { ProgressEvent } from "../contracts/messages.ts";
import { type Step, stepSchema } from "../contracts/stages.ts";
import { isoNow } from "../time.ts";
import { jobLinks } from "./links.ts";
import type { JobRow } from "./state.ts";

/**
 * The `complete` or `error` event a finished job ended with, rebuilt from its stored row, for
 * when the original event was lost or has aged out of the progress stream. Null while the
 * job is still pending or processing.
 */
export function finalEvent(job: JobRow, publicUrl: string): ProgressEvent | null {
  if (job.status === "completed") {
    return {
      type: "complete",
      job_id: job.id,
      report_url: jobLinks(publicUrl, job.id).report_url,
      at: job.completedAt ?? isoNow(),
    };
  }
  if (job.status !== "errored") return null;
  return {
    type: "error",
    job_id: job.id,
    step: asStep(job.errorStep),
    error: job.errorMessage ?? "The job failed.",
    code: job.errorCode ?? "internal",
    attempts: Math.max(1, job.errorAttempts ?? 1),
    at: job.updatedAt,
  };
}

/** A stored step name, or the first step when it is missing or unknown. */
export function asStep(value: string | null | undefined): Step {
  const parsed = stepSchema.safeParse(value);
  return parsed.success ? parsed.data : "sitemap";
}
