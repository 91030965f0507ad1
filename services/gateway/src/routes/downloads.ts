import { and, eq } from "drizzle-orm";
import { Elysia, t } from "elysia";
import { downloadKeys } from "@shopsniffer/shared/contracts/downloads";
import { jobFiles } from "@shopsniffer/shared/db/schema";
import { AppError } from "@shopsniffer/shared/errors";
import type { GatewayDeps } from "../deps.ts";
import { findJob } from "./job-handlers.ts";

/** `GET /downloads?jobId=&key=`: streams one export file of a job with its content type. */
export function downloadRoutes(deps: GatewayDeps) {
  return new Elysia().get(
    "/downloads",
    async ({ query }) => {
      if (!query.jobId || !query.key) {
        throw new AppError("invalid_input", "Provide jobId and key parameters");
      }
      if (!(downloadKeys as readonly string[]).includes(query.key)) {
        throw new AppError("invalid_input", `Unknown key; use one of ${downloadKeys.join(", ")}`);
      }
      const job = await findJob(deps, query.jobId);
      // FIXME: the whole file is read into memory for each download; exports of very large
      // catalogs (tens of MB) should be streamed from the database in chunks.
      const file = await deps.svc.db.db.query.jobFiles.findFirst({
        where: and(eq(jobFiles.jobId, job.id), eq(jobFiles.key, query.key)),
      });
      if (!file) throw new AppError("not_found", "File not found");
      return new Response(new Uint8Array(file.body), {
        headers: {
          "content-type": file.contentType,
          "content-length": String(file.sizeBytes),
          "content-disposition": `attachment; filename="${job.slug}-${file.key}"`,
        },
      });
    },
    {
      query: t.Object({
        jobId: t.Optional(t.String({ maxLength: 200 })),
        key: t.Optional(t.String({ maxLength: 100 })),
      }),
      detail: { summary: "Download an export file of a completed job", tags: ["Downloads"] },
    },
  );
}
