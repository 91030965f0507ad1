import { z } from "zod";
import { stageSchema, stepSchema } from "./stages.ts";

/** Work item on `<prefix>.pipeline.<stage>`: run `stage` for job `jobId`. */
export const stageMessageSchema = z.object({
  jobId: z.uuid(),
  stage: stageSchema,
});
export type StageMessage = z.infer<typeof stageMessageSchema>;

/** A job's lifecycle: `pending` → `processing` → `completed` | `errored`. */
export const jobStatusSchema = z.enum(["pending", "processing", "completed", "errored"]);
export type JobStatus = z.infer<typeof jobStatusSchema>;

/** How a step ended, or that it is still `running`. */
export const stepStatusSchema = z.enum(["running", "completed", "skipped", "errored"]);
export type StepStatus = z.infer<typeof stepStatusSchema>;

/**
 * A job's one result classification; the names are part of the API (docs/crawling.md,
 * "Outcomes"). The catalog: `complete` (every product the store exposes), `partial`
 * (products known to be missing), `endpoints_disabled` (`/products.json` not served, the
 * catalog rebuilt from collections and the sitemap), `rate_limited` (the store kept answering
 * 429), `blocked` (430 or a bot challenge). The refusals: `not_shopify`, `password_protected`
 * (also the error `code` when `POST /api/jobs` refuses a store with 422).
 */
export const JOB_OUTCOMES = [
  "complete",
  "partial",
  "endpoints_disabled",
  "rate_limited",
  "blocked",
  "not_shopify",
  "password_protected",
] as const;
export const jobOutcomeSchema = z.enum(JOB_OUTCOMES);
export type JobOutcome = z.infer<typeof jobOutcomeSchema>;

/** The outcomes that refuse a store rather than classify its catalog. */
export const refusalOutcomes = ["not_shopify", "password_protected"] as const;

/** `outcome` on a message: null while the catalog has not been classified. */
const outcomeField = jobOutcomeSchema
  .nullable()
  .optional()
  .describe("The job's result classification (see docs/crawling.md, Outcomes).");

const counts = {
  product_count: z.number().int().nonnegative(),
  collection_count: z.number().int().nonnegative(),
  page_count: z.number().int().nonnegative(),
};

/**
 * Events on `<prefix>.progress.<jobId>`. The gateway forwards them to WebSocket clients as they
 * are; the first four fields of each are the reference's WebSocket message shapes.
 */
export const progressEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("status"),
    status: jobStatusSchema,
    step: stepSchema,
    /** Overall job progress, 0..1. */
    progress: z.number().min(0).max(1),
    job_id: z.uuid(),
    ...counts,
    at: z.string(),
  }),
  z.object({
    type: z.literal("step"),
    step: stepSchema,
    completed: z.boolean(),
    job_id: z.uuid(),
    status: stepStatusSchema,
    /** Why a step was skipped, or what it found, in a few words. */
    reason: z.string().optional(),
    /** On the end of `indexing-products`: how the catalog came out. */
    outcome: outcomeField,
    at: z.string(),
  }),
  z.object({
    type: z.literal("complete"),
    job_id: z.uuid(),
    report_url: z.string(),
    outcome: outcomeField,
    at: z.string(),
  }),
  z.object({
    type: z.literal("error"),
    job_id: z.uuid(),
    step: stepSchema,
    error: z.string(),
    code: z.string(),
    attempts: z.number().int().positive(),
    outcome: outcomeField,
    at: z.string(),
  }),
]);
export type ProgressEvent = z.infer<typeof progressEventSchema>;

/** Work item on `<prefix>.delivery.<event>`: notify the job's webhook and email of its end. */
export const deliveryMessageSchema = z.object({
  jobId: z.uuid(),
  event: z.enum(["job.completed", "job.failed"]),
});
export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;
