import { steps as stepOrder } from "@shopsniffer/shared/contracts/stages";
import type { jobSteps, webhookCallbacks } from "@shopsniffer/shared/db/schema";
import { OUTCOME_STEP, outcomeOf } from "@shopsniffer/shared/jobs/outcome";
import type { JobRow } from "@shopsniffer/shared/jobs/state";

type CallbackRow = typeof webhookCallbacks.$inferSelect;
type StepRow = typeof jobSteps.$inferSelect;

/** The job as `POST /api/jobs` and retry answer it. */
export function createdJobView(job: JobRow) {
  return {
    id: job.id,
    domain: job.domain,
    slug: job.slug,
    status: job.status,
    created_at: job.createdAt,
    user_id: job.userId,
  };
}

/** The lightweight polling shape of `GET /api/jobs/:id/status`. */
export function statusView(job: JobRow) {
  return {
    id: job.id,
    status: job.status,
    domain: job.domain,
    product_count: job.productCount,
    collection_count: job.collectionCount,
    page_count: job.pageCount,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    step: job.currentStep,
    progress: job.progress / 1000,
  };
}

/**
 * The full job of `GET /api/jobs?id=` and `GET /api/jobs/:id`. Lookups are public, so the
 * webhook URL (it may carry a secret) and the notification email are never shown; only how
 * each notification went.
 */
export function jobView(job: JobRow, callbacks: CallbackRow[] = [], stepRows: StepRow[] = []) {
  return {
    ...createdJobView(job),
    updated_at: job.updatedAt,
    completed_at: job.completedAt,
    product_count: job.productCount,
    collection_count: job.collectionCount,
    page_count: job.pageCount,
    step: job.currentStep,
    progress: job.progress / 1000,
    retry_of: job.retryOf,
    /** The job's result classification (docs/crawling.md, "Outcomes"); null until known. */
    outcome: outcomeOf(job, stepRows.find((r) => r.step === OUTCOME_STEP)?.detail),
    shop_meta: job.shopMeta ?? null,
    insights: job.insights ?? null,
    downloads: job.status === "completed" ? (job.downloads ?? null) : null,
    steps: stepsView(stepRows),
    notifications: callbacks.map((c) => ({
      kind: c.kind,
      event: c.event,
      status: c.status,
      attempts: c.attempts,
      last_status: c.lastStatus,
      error: c.lastError,
      next_attempt_at: c.nextAttemptAt,
      updated_at: c.updatedAt,
    })),
    error:
      job.status === "errored"
        ? {
            step: job.errorStep,
            code: job.errorCode,
            message: job.errorMessage,
            attempts: job.errorAttempts,
          }
        : null,
  };
}

/**
 * Each step that has started, in pipeline order, with what it found: e.g. the products
 * step's `coverage` (where products came from, what is missing) or why a step was skipped.
 */
function stepsView(rows: StepRow[]) {
  const rank = (step: string) => stepOrder.indexOf(step as (typeof stepOrder)[number]);
  return [...rows]
    .sort((a, b) => rank(a.step) - rank(b.step))
    .map((r) => ({
      step: r.step,
      status: r.status,
      attempts: r.attempts,
      started_at: withoutMs(r.startedAt),
      finished_at: r.finishedAt && withoutMs(r.finishedAt),
      duration_ms: r.durationMs,
      detail: r.detail ?? null,
      error: r.error,
    }));
}

/** The API's timestamp form: step times are stored with milliseconds, shown without. */
function withoutMs(iso: string): string {
  return iso.replace(/\.\d+Z$/, "Z");
}
