import { and, eq, notInArray, type SQL, sql } from "drizzle-orm";
import type { StepStatus } from "../contracts/messages.ts";
import type { Step } from "../contracts/stages.ts";
import type { Db } from "../db/client.ts";
import { collections, jobSteps, jobs, pages, products } from "../db/schema.ts";
import type { FailureRecord } from "../errors.ts";
import { isoNow } from "../time.ts";

export type JobRow = typeof jobs.$inferSelect;

/** The job row, or undefined for an unknown id. */
export async function getJob(handle: Db, jobId: string): Promise<JobRow | undefined> {
  return handle.db.query.jobs.findFirst({ where: eq(jobs.id, jobId) });
}

/** Job statuses no stage may move a job out of. */
const FINISHED = ["completed", "errored"] as const;

/** The job `jobId`, while it is not finished: a late attempt's writes must not revive it. */
function openJob(jobId: string): SQL | undefined {
  return and(eq(jobs.id, jobId), notInArray(jobs.status, [...FINISHED]));
}

/** True while the job `jobId` exists and is not finished, as a condition on other tables. */
function jobIsOpen(jobId: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${jobs} WHERE ${openJob(jobId)})`;
}

/**
 * Marks `step` running for attempt `attempt` and moves the job to `processing`. False, and
 * nothing written, when the job is already `completed` or `errored`.
 */
export async function startStep(
  handle: Db,
  jobId: string,
  step: Step,
  attempt: number,
): Promise<boolean> {
  // Step times keep milliseconds (most steps take less than a second); the API trims them.
  const started = new Date().toISOString();
  const now = isoNow();
  return handle.write(async (db) => {
    const moved = await db
      .update(jobs)
      .set({ status: "processing", currentStep: step, updatedAt: now })
      .where(openJob(jobId))
      .returning({ id: jobs.id });
    if (moved.length === 0) return false;
    await db
      .insert(jobSteps)
      .values({ jobId, step, status: "running", attempts: attempt, startedAt: started })
      .onConflictDoUpdate({
        target: [jobSteps.jobId, jobSteps.step],
        set: { status: "running", attempts: attempt, startedAt: started, finishedAt: null },
        setWhere: jobIsOpen(jobId),
      });
    return true;
  });
}

/**
 * Records how a step ended, with a few facts about what it did, only while the step row is
 * `attempt`'s: an attempt abandoned at its deadline cannot overwrite its retry. False, and
 * nothing written, for a finished job or another attempt's row.
 */
export async function finishStep(
  handle: Db,
  jobId: string,
  step: Step,
  status: Exclude<StepStatus, "running" | "errored">,
  detail: Record<string, unknown>,
  attempt: number,
): Promise<boolean> {
  const now = new Date().toISOString();
  const sameAttempt = eq(jobSteps.attempts, attempt);
  const rows = await handle.write((db) =>
    db
      .update(jobSteps)
      .set({
        status,
        finishedAt: now,
        detail,
        durationMs: sql`CAST(
          (julianday(${now}) - julianday(${jobSteps.startedAt})) * 86400000 AS INTEGER)`,
      })
      .where(and(eq(jobSteps.jobId, jobId), eq(jobSteps.step, step), sameAttempt, jobIsOpen(jobId)))
      .returning({ step: jobSteps.step }),
  );
  return rows.length > 0;
}

/** Marks the job `errored` at `step`; the job and everything indexed so far stay stored. */
export async function failJob(
  handle: Db,
  jobId: string,
  step: Step,
  failure: FailureRecord,
  attempts: number,
) {
  const now = isoNow();
  await handle.write(async (db) => {
    await db
      .update(jobSteps)
      .set({ status: "errored", finishedAt: now, error: failure.message, attempts })
      .where(sql`${jobSteps.jobId} = ${jobId} AND ${jobSteps.step} = ${step}`);
    await db
      .update(jobs)
      .set({
        status: "errored",
        updatedAt: now,
        errorStep: step,
        errorCode: failure.code,
        errorMessage: failure.message,
        errorAttempts: attempts,
      })
      .where(eq(jobs.id, jobId));
  });
}

/** Recounts indexed items from their rows, so a rerun never double counts. */
export async function refreshCounts(handle: Db, jobId: string) {
  const count = (table: typeof products | typeof collections | typeof pages) =>
    sql<number>`(SELECT COUNT(*) FROM ${table} WHERE ${table.jobId} = ${jobId})`;
  await handle.write((db) =>
    db
      .update(jobs)
      .set({
        productCount: count(products),
        collectionCount: count(collections),
        pageCount: count(pages),
        updatedAt: isoNow(),
      })
      .where(eq(jobs.id, jobId)),
  );
}

/**
 * Stores overall progress (0..1) on the job row, for status polls and late joiners. Progress
 * only moves forward: a stage that runs again keeps the furthest point reached. A finished job
 * is left as it is.
 */
export async function saveProgress(handle: Db, jobId: string, step: Step, progress: number) {
  const permille = Math.round(progress * 1000);
  await handle.write((db) =>
    db
      .update(jobs)
      .set({
        currentStep: sql`CASE WHEN ${permille} >= ${jobs.progress}
          THEN ${step} ELSE ${jobs.currentStep} END`,
        progress: sql`MAX(${jobs.progress}, ${permille})`,
        updatedAt: isoNow(),
      })
      .where(openJob(jobId)),
  );
}
