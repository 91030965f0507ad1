import { z } from "zod";
import { jobOutcomeSchema, jobStatusSchema, stepStatusSchema } from "./messages.ts";
import { stepSchema } from "./stages.ts";

/**
 * Analytics events: facts about jobs, published to `<prefix>.events.<name>` in a stream kept
 * for `EVENTS_MAX_AGE_DAYS`, for anyone to tap with a plain NATS client. Each name has one
 * schema; `docs/events.md` shows them as JSON Schema (`npm run docs:events` regenerates it).
 */
/** The job's result classification; absent from events published before it existed. */
const outcome = jobOutcomeSchema
  .nullable()
  .optional()
  .describe(
    "How the job came out: complete, partial, endpoints_disabled, rate_limited, blocked, " +
      "not_shopify or password_protected (docs/crawling.md, Outcomes); null when unknown.",
  );

const base = {
  job_id: z.uuid().describe("The job's id."),
  domain: z.string().describe("The store's domain, as normalised when the job was created."),
  at: z.string().describe("When it happened: ISO 8601 UTC, no milliseconds."),
};

export const jobCreatedEventSchema = z
  .object({
    ...base,
    slug: z.string(),
    user_id: z.string().nullable().describe("Owner of the API key that created it, if any."),
    retry_of: z.uuid().nullable().describe("The job this one retries, if any."),
  })
  .describe("A job was accepted and queued.");

export const stepCompletedEventSchema = z
  .object({
    ...base,
    step: stepSchema,
    status: stepStatusSchema.exclude(["running", "errored"]),
    reason: z.string().optional().describe("Why a step was skipped, or what it found."),
    outcome: outcome.describe("On indexing-products: how the catalog came out."),
  })
  .describe("A step of a job finished, or was skipped.");

export const jobCompletedEventSchema = z
  .object({
    ...base,
    status: jobStatusSchema.extract(["completed"]),
    product_count: z.number().int().nonnegative(),
    collection_count: z.number().int().nonnegative(),
    page_count: z.number().int().nonnegative(),
    report_url: z.string(),
    outcome,
  })
  .describe("A job completed; its downloads exist.");

export const jobFailedEventSchema = z
  .object({
    ...base,
    status: jobStatusSchema.extract(["errored"]),
    step: stepSchema,
    code: z.string(),
    error: z.string(),
    attempts: z.number().int().positive(),
    outcome,
  })
  .describe("A job gave up after its last attempt at a step.");

/** Event name → schema. The name is the subject's tail: `<prefix>.events.<name>`. */
export const eventSchemas = {
  "job.created": jobCreatedEventSchema,
  "step.completed": stepCompletedEventSchema,
  "job.completed": jobCompletedEventSchema,
  "job.failed": jobFailedEventSchema,
} as const;

export type EventName = keyof typeof eventSchemas;
export type EventOf<N extends EventName> = z.infer<(typeof eventSchemas)[N]>;
