/**
 * The job JSON of the Jobs API, as `views.ts` builds it, typed for the OpenAPI document.
 * Every property has a description; `test/openapi-fields.test.ts` checks that, and checks a
 * real job's JSON against these schemas with unknown properties refused.
 */
import { t } from "elysia";
import { JOB_OUTCOMES } from "@shopsniffer/shared/contracts/messages";
import { steps } from "@shopsniffer/shared/contracts/stages";
import { errorBody } from "../schemas.ts";
import { insightsSchema } from "./insights-schema.ts";
import {
  count,
  integer,
  nullable,
  nullableInteger,
  nullableString,
  oneOf,
} from "./schema-helpers.ts";
import { shopMetaSchema } from "./shop-meta-schema.ts";
import { stepDetailSchema } from "./step-detail-schema.ts";

const jobStatus = oneOf(
  ["pending", "processing", "completed", "errored"],
  "`pending` → `processing` → `completed` or `errored`.",
);
const timestamp = (description: string) =>
  t.String({ description: `${description} ISO 8601 UTC.` });
const currentStep = nullableString(
  `The step the job is at (the furthest reached): ${steps.map((s) => `\`${s}\``).join(", ")}; ` +
    "null before the first.",
);
const progress = t.Number({
  minimum: 0,
  maximum: 1,
  description: "Overall progress, 0 to 1; never decreases.",
});
const counts = {
  product_count: count("Products indexed so far; rises while the products step runs."),
  collection_count: count("Collections indexed so far."),
  page_count: count("Pages indexed so far."),
};

const createdFields = {
  id: t.String({ description: "Job UUID: the id of every later call about the job." }),
  domain: t.String({ description: "The store's normalised domain." }),
  slug: t.String({ description: "URL-safe slug of the domain (dots become hyphens)." }),
  status: jobStatus,
  created_at: timestamp("When the job was created."),
  user_id: nullableString(
    "Better Auth user of the key or session that created it; null for a key without a user " +
      "and for x402 payments.",
  ),
};

/** The job as `POST /api/jobs` and `POST /api/jobs/{id}/retry` answer it. */
export const createdJobSchema = t.Object(createdFields, { description: "The new job." });

/** `{ job }` of job creation and retry. */
export const createdJobResponse = t.Object({ job: createdJobSchema });

/** `GET /api/jobs/{id}/status`: the lightweight polling shape. */
export const jobStatusResponse = t.Object({
  id: createdFields.id,
  status: jobStatus,
  domain: createdFields.domain,
  ...counts,
  created_at: createdFields.created_at,
  updated_at: timestamp("Last change of the job."),
  step: currentStep,
  progress,
});

const step = t.Object(
  {
    step: oneOf([...steps], "The step's name."),
    status: oneOf(["running", "completed", "skipped", "errored"], "How the step stands."),
    attempts: count("The attempt that ran (or runs) the step; 1 for the first."),
    started_at: timestamp("When the latest attempt started."),
    finished_at: nullableString("When it ended (ISO 8601 UTC); null while running."),
    duration_ms: nullableInteger("Time the step took, ms; null while running."),
    detail: stepDetailSchema,
    error: nullableString("Why the step failed, when `errored`."),
  },
  { description: "A step that has started." },
);

const notification = t.Object(
  {
    kind: oneOf(["webhook", "email"], "Which notification."),
    event: oneOf(["job.completed", "job.failed"], "What it announces."),
    status: oneOf(
      ["pending", "delivered", "failed", "skipped"],
      "`skipped`: an email without `SMTP_URL`; `failed` after the last attempt.",
    ),
    attempts: count("Attempts made."),
    last_status: nullableInteger("Last HTTP status (webhook) or SMTP reply code; null before."),
    error: nullableString("Why the last attempt failed; null when it did not."),
    next_attempt_at: nullableString("When the next retry is due (ISO 8601 UTC), while pending."),
    updated_at: timestamp("Last change of the record."),
  },
  { description: "How one notification went; its target is never shown." },
);

const download = (description: string) => t.Optional(t.String({ description }));
const downloads = nullable(
  t.Object({
    csv: download("`products.csv`, Shopify's product-import layout."),
    productsJson: download("`products.json`."),
    collectionsJson: download("`collections.json`, with each collection's product handles."),
    pagesJson: download("`pages.json`."),
    screenshot: download("`screenshot.png` of the home page, when the audit took one."),
  }),
  "Export files, each as the key to pass to `GET /api/downloads?jobId=&key=`; null until the " +
    "job is completed.",
);

const jobError = nullable(
  t.Object({
    step: nullableString("The step that failed."),
    code: nullableString("Stable machine-readable code, e.g. `upstream_failed`, `not_shopify`."),
    message: nullableString("Human-readable message; starts `Blocked by the store` for blocks."),
    attempts: nullableInteger("Attempts made before giving up."),
  }),
  "Why the job failed; null unless `errored`.",
);

/** The full job of `GET /api/jobs/{id}` and `GET /api/jobs?id=|domain=`. */
export const jobSchema = t.Object(
  {
    ...createdFields,
    updated_at: timestamp("Last change of the job."),
    completed_at: nullableString("When it completed (ISO 8601 UTC); null until then."),
    ...counts,
    step: currentStep,
    progress,
    retry_of: nullableString("The job this one retries; null for a first run."),
    outcome: nullable(
      oneOf([...JOB_OUTCOMES], "An outcome name (docs/crawling.md)."),
      "The job's result classification (docs/crawling.md, Outcomes); null until known.",
    ),
    shop_meta: shopMetaSchema,
    insights: insightsSchema,
    downloads,
    steps: t.Array(step, { description: "Each step that has started, in pipeline order." }),
    notifications: t.Array(notification, {
      description: "The webhook and email of the job, if it asked for them.",
    }),
    error: jobError,
  },
  { description: "The job with its results." },
);

/** `{ job }` of the lookups. */
export const jobResponse = t.Object({ job: jobSchema });

/** A 429 from the job-creation rate limits. */
export const rateLimitedBody = t.Object({
  ...errorBody.properties,
  retry_after: integer({ description: "Seconds until a new request may pass." }),
});

/**
 * OpenAPI-only response entries (`detail.responses`) for the lookups. They are not Elysia
 * `response` schemas because `shop_meta`, `insights` and step details are JSON written by the
 * other services, by any earlier version: a stored job whose JSON predates a field would fail
 * response validation, which Elysia reports as a request validation error.
 */
export function documentedResponses(ok: string, errors: Record<number, string>) {
  const json = (description: string, schema: object) => ({
    description,
    content: { "application/json": { schema } },
  });
  return {
    200: json(ok, jobResponse),
    ...Object.fromEntries(
      Object.entries(errors).map(([status, description]) => [status, json(description, errorBody)]),
    ),
  };
}
