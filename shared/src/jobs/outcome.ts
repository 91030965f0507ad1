import { and, eq } from "drizzle-orm";
import { type JobOutcome, jobOutcomeSchema, refusalOutcomes } from "../contracts/messages.ts";
import type { Db } from "../db/client.ts";
import { jobSteps } from "../db/schema.ts";
import type { JobRow } from "./state.ts";

/** The step whose detail holds the catalog's outcome (written by the crawler). */
export const OUTCOME_STEP = "indexing-products";

/** Prefix of the message of a job that failed because the store blocked it. */
const BLOCKED_MESSAGE = "Blocked by the store";

/** The job fields an outcome is read from. */
export type OutcomeJob = Pick<JobRow, "status" | "errorCode" | "errorMessage">;

/**
 * A job's one result classification (the names are documented in docs/crawling.md,
 * "Outcomes"): a refusal (`not_shopify`, `password_protected`) when the job errored for it,
 * else the `outcome` of the products step's detail, else `blocked` for a job that failed on a
 * block before that step; null while the catalog has not been classified.
 */
export function outcomeOf(
  job: OutcomeJob,
  productsDetail: Record<string, unknown> | null | undefined,
): JobOutcome | null {
  const refusal = refusalOutcomes.find((name) => name === job.errorCode);
  if (job.status === "errored" && refusal) return refusal;
  const recorded = jobOutcomeSchema.safeParse(productsDetail?.outcome);
  if (recorded.success) return recorded.data;
  const blocked = job.status === "errored" && job.errorMessage?.startsWith(BLOCKED_MESSAGE);
  return blocked ? "blocked" : null;
}

/** `outcomeOf` for a stored job, reading its products step. */
export async function jobOutcome(handle: Db, job: OutcomeJob & Pick<JobRow, "id">) {
  const rows = await handle.db
    .select({ detail: jobSteps.detail })
    .from(jobSteps)
    .where(and(eq(jobSteps.jobId, job.id), eq(jobSteps.step, OUTCOME_STEP)))
    .limit(1);
  return outcomeOf(job, rows[0]?.detail ?? null);
}
