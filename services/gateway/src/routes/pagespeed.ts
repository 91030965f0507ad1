import { and, eq } from "drizzle-orm";
import { Elysia, t } from "elysia";
import { jobSteps } from "@shopsniffer/shared/db/schema";
import type { JobRow } from "@shopsniffer/shared/jobs/state";
import type { GatewayDeps } from "../deps.ts";
import { errorBody, jobIdParams } from "../schemas.ts";
import { findJob } from "./job-handlers.ts";
import { oneOf } from "./schema-helpers.ts";

type StepRow = typeof jobSteps.$inferSelect;

const nullableNumber = (description: string) => t.Union([t.Number(), t.Null()], { description });
const nullableString = (description: string) => t.Union([t.String(), t.Null()], { description });

const fieldData = t.Union(
  [
    t.Object({
      overall_category: nullableString("FAST, AVERAGE or SLOW, as Google rates it."),
      metrics: t.Record(
        t.String(),
        t.Object({
          percentile: t.Number({ description: "75th percentile, in the metric's unit." }),
          category: nullableString("FAST, AVERAGE, SLOW"),
        }),
        { description: "Chrome UX Report metric name → its 75th percentile and rating." },
      ),
    }),
    t.Null(),
  ],
  { description: "Real-user data; null when Google has none." },
);

/** One page and strategy: scores and metrics when measured, else `error`. */
export const pagespeedPageSchema = t.Object({
  kind: oneOf(["home", "collection", "product"], "Which page of the store was measured."),
  url: t.String({ description: "Public URL of the page on the store's domain." }),
  strategy: oneOf(["mobile", "desktop"], "The device Lighthouse emulated."),
  scores: t.Optional(
    t.Object(
      {
        performance: nullableNumber("0–100"),
        accessibility: nullableNumber("0–100"),
        best_practices: nullableNumber("0–100"),
        seo: nullableNumber("0–100"),
      },
      { description: "Lighthouse category scores, 0–100; null when not run." },
    ),
  ),
  metrics: t.Optional(
    t.Object(
      {
        lcp_ms: nullableNumber("Largest Contentful Paint, ms."),
        cls: nullableNumber("Cumulative Layout Shift, unitless."),
        tbt_ms: nullableNumber("Total Blocking Time, ms."),
        fcp_ms: nullableNumber("First Contentful Paint, ms."),
        speed_index_ms: nullableNumber("Speed Index, ms."),
      },
      { description: "Lab metrics of the run; null when the run lacks one." },
    ),
  ),
  field: t.Optional(
    t.Union([t.Object({ page: fieldData, origin: fieldData }), t.Null()], {
      description: "PageSpeed Insights' field data; always null with local Lighthouse.",
    }),
  ),
  lighthouse_version: t.Optional(nullableString("Lighthouse version that measured.")),
  form_factor: t.Optional(nullableString("mobile or desktop, as Lighthouse reports it.")),
  error: t.Optional(t.String({ description: "Why this page was not measured; no numbers." })),
});

/** `GET /api/jobs/:id/pagespeed`. */
export const pagespeedResponse = t.Object({
  job: t.Object(
    {
      id: t.String({ description: "Job UUID." }),
      domain: t.String({ description: "The store's domain." }),
      status: t.String({ description: "pending, processing, completed or errored." }),
    },
    { description: "The job measured." },
  ),
  pagespeed: t.Object(
    {
      status: oneOf(
        ["pending", "running", "completed", "skipped", "errored"],
        "`pending` until the step starts; `skipped` carries `reason`.",
      ),
      provider: nullableString("none, psi or lighthouse; null before the step ran."),
      reason: nullableString("Why nothing was measured, when skipped."),
      strategies: t.Array(t.String(), { description: "Strategies measured (Lighthouse)." }),
      throttling: nullableString("Lighthouse throttling method; null for PSI."),
      started_at: nullableString("ISO 8601 UTC."),
      finished_at: nullableString("ISO 8601 UTC."),
      duration_ms: nullableNumber("Time the whole step took, sample included."),
      pages: t.Array(pagespeedPageSchema, {
        description: "Each page and strategy measured; empty when nothing was.",
      }),
    },
    { description: "The `pagespeed` step's results." },
  ),
});

/** `GET /jobs/:id/pagespeed`: the PageSpeed results of a job, or why there are none. */
export function pagespeedRoutes(deps: GatewayDeps) {
  return new Elysia().get(
    "/jobs/:id/pagespeed",
    async ({ params }) => {
      const job = await findJob(deps, params.id);
      const [step] = await deps.svc.db.db
        .select()
        .from(jobSteps)
        .where(and(eq(jobSteps.jobId, job.id), eq(jobSteps.step, "pagespeed")));
      return pagespeedView(job, step);
    },
    {
      params: jobIdParams,
      response: { 200: pagespeedResponse, 404: errorBody },
      detail: {
        summary: "PageSpeed results: home, a collection and a product, per strategy",
        tags: ["Jobs"],
      },
    },
  );
}

type PagespeedStatus = (typeof pagespeedResponse.static)["pagespeed"]["status"];

/** The route's answer from the job and its `pagespeed` step row (absent before it ran). */
export function pagespeedView(job: JobRow, step: StepRow | undefined) {
  const detail = step?.detail ?? {};
  const text = (value: unknown) => (typeof value === "string" ? value : null);
  return {
    job: { id: job.id, domain: job.domain, status: job.status },
    pagespeed: {
      status: (step?.status ?? "pending") as PagespeedStatus,
      provider: text(detail.provider),
      reason: text(detail.reason),
      strategies: Array.isArray(detail.strategies) ? detail.strategies.map(String) : [],
      throttling: text(detail.throttling),
      started_at: step ? withoutMs(step.startedAt) : null,
      finished_at: step?.finishedAt ? withoutMs(step.finishedAt) : null,
      duration_ms: step?.durationMs ?? null,
      pages: Array.isArray(detail.pages)
        ? (detail.pages as Array<typeof pagespeedPageSchema.static>)
        : [],
    },
  };
}

function withoutMs(iso: string): string {
  return iso.replace(/\.\d+Z$/, "Z");
}
