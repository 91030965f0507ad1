import { and, eq } from "drizzle-orm";
import { Elysia, t } from "elysia";
import { downloadKeys } from "@shopsniffer/shared/contracts/downloads";
import { jobFiles } from "@shopsniffer/shared/db/schema";
import { AppError } from "@shopsniffer/shared/errors";
import { openStorage } from "@shopsniffer/shared/storage/open-storage";
import { isoNow } from "@shopsniffer/shared/time";
import type { GatewayDeps } from "../deps.ts";
import { findJob } from "./job-handlers.ts";

/**
 * A file never changes under its etag (a rerun writes a new one); browsers may keep it an
 * hour, shared caches never (the job id is what guards a download).
 */
const CACHE_CONTROL = "private, max-age=3600";

/**
 * `GET /downloads?jobId=&key=`: streams one export file of a job from storage, with its
 * content type, length, file name (`<slug>-<key>`) and an etag; 304 when `If-None-Match`
 * matches, 410 once the file has expired, 404 when it does not exist.
 */
export function downloadRoutes(deps: GatewayDeps) {
  const storage = openStorage(deps.svc.config);
  return new Elysia().get(
    "/downloads",
    async ({ query, request }) => {
      if (!query.jobId || !query.key) {
        throw new AppError("invalid_input", "Provide jobId and key parameters");
      }
      if (!(downloadKeys as readonly string[]).includes(query.key)) {
        throw new AppError("invalid_input", `Unknown key; use one of ${downloadKeys.join(", ")}`);
      }
      const job = await findJob(deps, query.jobId);
      const row = await findFileRow(deps, job.id, query.key);
      if (row.purgedAt || (row.expiresAt && row.expiresAt <= isoNow())) {
        throw new AppError("gone", "This file has expired");
      }
      const etag = `"${row.sizeBytes.toString(36)}-${Date.parse(row.createdAt).toString(36)}"`;
      const caching = { etag, "cache-control": CACHE_CONTROL };
      if (matchesEtag(request.headers.get("if-none-match"), etag)) {
        return new Response(null, { status: 304, headers: caching });
      }
      const file = await storage.get(job.id, row.key);
      if (!file) throw new AppError("not_found", "File not found");
      return new Response(file.body, {
        headers: {
          ...caching,
          "content-type": file.contentType,
          "content-length": String(file.size),
          "content-disposition": `attachment; filename="${job.slug}-${row.key}"`,
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

async function findFileRow(deps: GatewayDeps, jobId: string, key: string) {
  const [row] = await deps.svc.db.db
    .select({
      key: jobFiles.key,
      sizeBytes: jobFiles.sizeBytes,
      createdAt: jobFiles.createdAt,
      expiresAt: jobFiles.expiresAt,
      purgedAt: jobFiles.purgedAt,
    })
    .from(jobFiles)
    .where(and(eq(jobFiles.jobId, jobId), eq(jobFiles.key, key)));
  if (!row) throw new AppError("not_found", "File not found");
  return row;
}

/** Whether an `If-None-Match` header names `etag` (weak or strong) or is `*`. */
function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === "*" || tag === etag);
}
