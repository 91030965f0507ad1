import { desc, eq, sql } from "drizzle-orm";
import { Elysia, t } from "elysia";
import { jobs } from "@shopsniffer/shared/db/schema";
import { AppError } from "@shopsniffer/shared/errors";
import { getJob, type JobRow } from "@shopsniffer/shared/jobs/state";
import { domainSlug, normalizeDomain } from "@shopsniffer/shared/store/domain";
import { requirePrincipal } from "../auth/principal.ts";
import { readJsonBody } from "../body.ts";
import type { GatewayDeps } from "../deps.ts";
import { enqueueJob } from "../enqueue.ts";
import { errorBody, jobIdParams } from "../schemas.ts";
import { createdJobView, jobView, statusView } from "../views.ts";

const createJobBody = t.Object(
  {
    domain: t.String({
      minLength: 1,
      maxLength: 2048,
      description:
        "Store domain, with or without protocol: `allbirds.com`, `https://allbirds.com`.",
    }),
    webhook_url: t.Optional(
      t.String({ maxLength: 2048, description: "Receives a `job.completed` POST." }),
    ),
    notify_email: t.Optional(t.String({ format: "email", maxLength: 320 })),
    type: t.Optional(t.Literal("full", { description: "Only `full` is supported." })),
    indexer: t.Optional(t.String({ maxLength: 64, description: "Reserved." })),
  },
  { additionalProperties: false },
);

/** `/jobs` routes: create, look up, poll and retry analysis jobs. */
export function jobRoutes(deps: GatewayDeps) {
  const { db } = deps.svc;
  // normalize: false makes unknown body fields an error instead of silently dropping them.
  return new Elysia({ normalize: false })
    .post(
      "/jobs",
      async ({ body, request, set }) => {
        const principal = await requirePrincipal(db, request.headers);
        const domain = normalizeDomain(body.domain);
        const webhookUrl = body.webhook_url ? checkWebhookUrl(body.webhook_url) : null;
        await deps.checkStore(domain);
        const job = await enqueueJob(deps, {
          domain,
          slug: domainSlug(domain),
          webhookUrl,
          notifyEmail: body.notify_email ?? null,
          type: body.type ?? "full",
          indexer: body.indexer ?? "default",
          userId: principal.userId,
          retryOf: null,
        });
        set.status = 201;
        return { job: createdJobView(job) };
      },
      {
        parse: ({ request }) => readJsonBody(request, deps.svc.config.MAX_BODY_BYTES),
        body: createJobBody,
        detail: { summary: "Create a store analysis job", tags: ["Jobs"] },
        response: { 201: t.Object({ job: t.Any() }), 400: errorBody, 401: errorBody },
      },
    )
    .get(
      "/jobs",
      async ({ query }) => {
        if (query.id && query.domain) {
          throw new AppError("invalid_input", "Provide id or domain parameter, not both");
        }
        if (query.id) return { job: jobView(await findJob(deps, query.id)) };
        if (query.domain) return { job: jobView(await latestForDomain(deps, query.domain)) };
        throw new AppError("invalid_input", "Provide id or domain parameter");
      },
      {
        query: t.Object({
          id: t.Optional(t.String({ maxLength: 200 })),
          domain: t.Optional(t.String({ maxLength: 2048 })),
        }),
        detail: { summary: "Look up a job by id, or the latest job of a domain", tags: ["Jobs"] },
      },
    )
    .get("/jobs/:id", async ({ params }) => ({ job: jobView(await findJob(deps, params.id)) }), {
      params: jobIdParams,
      detail: { summary: "Get a job", tags: ["Jobs"] },
    })
    .get("/jobs/:id/status", async ({ params }) => statusView(await findJob(deps, params.id)), {
      params: jobIdParams,
      detail: { summary: "Poll a job's status and counts", tags: ["Jobs"] },
    })
    .post(
      "/jobs/:id/retry",
      async ({ params, request, set }) => {
        const principal = await requirePrincipal(db, request.headers);
        const original = await findJob(deps, params.id);
        if (original.status === "pending" || original.status === "processing") {
          throw new AppError(
            "invalid_input",
            `Job is ${original.status}; only completed or errored jobs can be retried`,
          );
        }
        const job = await enqueueJob(deps, { ...retryFields(original), userId: principal.userId });
        set.status = 201;
        return { job: createdJobView(job) };
      },
      { params: jobIdParams, detail: { summary: "Retry a job as a new job", tags: ["Jobs"] } },
    );
}

/** The job with `id`, or a 404 with the reference's message. */
export async function findJob(deps: GatewayDeps, id: string): Promise<JobRow> {
  const job = isUuid(id) ? await getJob(deps.svc.db, id.toLowerCase()) : undefined;
  if (!job) throw new AppError("not_found", "Job not found");
  return job;
}

async function latestForDomain(deps: GatewayDeps, input: string): Promise<JobRow> {
  const domain = normalizeDomain(input);
  const job = await deps.svc.db.db.query.jobs.findFirst({
    where: eq(jobs.domain, domain),
    // rowid breaks ties between jobs created within the same second.
    orderBy: [desc(jobs.createdAt), desc(sql`rowid`)],
  });
  if (!job) throw new AppError("not_found", "Job not found");
  return job;
}

function retryFields(job: JobRow) {
  return {
    domain: job.domain,
    slug: job.slug,
    webhookUrl: job.webhookUrl,
    notifyEmail: job.notifyEmail,
    type: job.type,
    indexer: job.indexer,
    retryOf: job.id,
  };
}

function checkWebhookUrl(raw: string): string {
  const url = URL.parse(raw);
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new AppError("invalid_input", "webhook_url must be an http or https URL");
  }
  return url.toString();
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
