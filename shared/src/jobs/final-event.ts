import type { JobOutcome, ProgressEvent } from "../contracts/messages.ts";
import { type Step, stepSchema } from "../contracts/stages.ts";
import { isoNow } from "../time.ts";
import { jobLinks } from "./links.ts";
import type { JobRow } from "./state.ts";

/**
 * The `complete` or `error` event a finished job ended with, rebuilt from its stored row, for
 * when the original event was lost or has aged out of the progress stream. Null while the
 * job is still pending or processing. `outcome` (see `jobOutcome`) is added when given.
 */
export function finalEvent(
  job: JobRow,
  publicUrl: string,
  outcome?: JobOutcome | null,
): ProgressEvent | null {
  const classified = outcome !== undefined ? { outcome } : {};
  if (job.status === "completed") {
    return {
      type: "complete",
      job_id: job.id,
      report_url: jobLinks(publicUrl, job.id).report_url,
      ...classified,
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
    ...classified,
    at: job.updatedAt,
  };
}

/** A stored step name, or the first step when it is missing or unknown. */
export function asStep(value: string | null | undefined): Step {
  const parsed = stepSchema.safeParse(value);
  return parsed.success ? parsed.data : "sitemap";
}
