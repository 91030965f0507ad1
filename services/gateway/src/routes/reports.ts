import { Elysia } from "elysia";
import { AppError } from "@shopsniffer/shared/errors";
import { getJob } from "@shopsniffer/shared/jobs/state";
import { textStream } from "@shopsniffer/shared/text-stream";
import type { GatewayDeps } from "../deps.ts";
import { isUuid } from "./job-handlers.ts";
import { errorBody, jobIdParams } from "../schemas.ts";
import { reportText } from "./report-body.ts";
import { reportResponse } from "./report-schema.ts";

/**
 * `GET /reports/:id`: the indexed catalog of a job in the reference's report shape, streamed
 * (see reportText): the body is one JSON document, written a page of products at a time. The
 * counts, collections and pages are read before the 200, so their failure is an error answer;
 * a database error while the products stream cuts the body short, as the 200 is already sent.
 */
export function reportRoutes(deps: GatewayDeps) {
  return new Elysia().get(
    "/reports/:id",
    async ({ params }) => {
      const job = isUuid(params.id) ? await getJob(deps.svc.db, params.id.toLowerCase()) : null;
      if (!job) throw new AppError("not_found", "Report not found");
      const body = textStream(await reportText(deps.svc.db, job));
      return new Response(body, { headers: { "content-type": "application/json" } });
    },
    {
      params: jobIdParams,
      response: { 200: reportResponse, 404: errorBody },
      detail: { summary: "Full report of a job", tags: ["Reports"] },
    },
  );
}
