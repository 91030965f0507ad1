import { Elysia, t } from "elysia";
import type { GatewayDeps } from "../deps.ts";
import { errorBody, jobIdParams } from "../schemas.ts";
import {
  authenticateOnly,
  authenticateThenParse,
  createJob,
  getJobById,
  lookupJob,
  pollJob,
  retryJob,
} from "./job-handlers.ts";
import {
  createdJobResponse,
  documentedResponses,
  jobStatusResponse,
  rateLimitedBody,
} from "./job-schema.ts";

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

export type CreateJobBody = typeof createJobBody.static;

/** x402 v1 payment requirements (standard fields and the nested form); see the README. */
const paymentRequired = t.Any({
  description:
    '{ error: "Payment Required" or the refusal reason, x402Version: 1, accepts: [...], ' +
    'x402: { version: "1", accepts: [...] }, payer? }',
});

const lookupQuery = t.Object({
  id: t.Optional(t.String({ maxLength: 200, description: "Job id." })),
  domain: t.Optional(t.String({ maxLength: 2048, description: "Latest job of this store." })),
});

/** `/jobs` routes: create, look up, poll and retry analysis jobs. */
export function jobRoutes(deps: GatewayDeps) {
  // normalize: false makes unknown body fields an error instead of silently dropping them.
  return new Elysia({ normalize: false })
    .post("/jobs", (ctx) => createJob(deps, ctx), {
      parse: ({ request }) => authenticateThenParse(deps, request),
      body: createJobBody,
      detail: {
        summary: "Create a store analysis job",
        tags: ["Jobs"],
        security: [{ apiKey: [] }, { bearer: [] }, { session: [] }, { x402: [] }],
      },
      response: {
        201: createdJobResponse,
        200: t.Object(createdJobResponse.properties, {
          description: "An x402 payment sent again: its job.",
        }),
        400: errorBody,
        401: errorBody,
        402: paymentRequired,
        503: errorBody,
      },
    })
    .get("/jobs", ({ query }) => lookupJob(deps, query), {
      query: lookupQuery,
      detail: {
        summary: "Look up a job by id, or the latest job of a domain",
        tags: ["Jobs"],
        responses: documentedResponses("The job.", {
          400: "Neither or both of `id` and `domain`.",
          404: "No such job.",
        }),
      },
    })
    .get("/jobs/:id", ({ params }) => getJobById(deps, params.id), {
      params: jobIdParams,
      detail: {
        summary: "Get a job",
        tags: ["Jobs"],
        responses: documentedResponses("The job.", { 404: "No such job." }),
      },
    })
    .get("/jobs/:id/status", ({ params }) => pollJob(deps, params.id), {
      params: jobIdParams,
      detail: { summary: "Poll a job's status and counts", tags: ["Jobs"] },
      response: { 200: jobStatusResponse, 404: errorBody },
    })
    .post("/jobs/:id/retry", (ctx) => retryJob(deps, ctx), {
      parse: ({ request }) => authenticateOnly(deps, request),
      params: jobIdParams,
      detail: {
        summary: "Retry a job as a new job",
        tags: ["Jobs"],
        security: [{ apiKey: [] }, { bearer: [] }, { session: [] }],
      },
      response: {
        201: createdJobResponse,
        400: errorBody,
        401: errorBody,
        404: errorBody,
        429: rateLimitedBody,
      },
    });
}
