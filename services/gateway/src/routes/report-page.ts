import { eq } from "drizzle-orm";
import { Elysia, t } from "elysia";
import { type Step, steps as stepOrder } from "@shopsniffer/shared/contracts/stages";
import { jobFiles, jobSteps, webhookCallbacks } from "@shopsniffer/shared/db/schema";
import { getJob } from "@shopsniffer/shared/jobs/state";
import type { GatewayDeps } from "../deps.ts";
import { escapeHtml } from "../report/html.ts";
import { type ReportData, reportPage } from "../report/page.ts";
import { isUuid } from "./job-handlers.ts";

/** `GET /report/:id`: the human report of a job, the target of `report_url`. */
export function reportPageRoutes(deps: GatewayDeps) {
  return new Elysia().get(
    "/report/:id",
    async ({ params, set }) => {
      set.headers["content-type"] = "text/html; charset=utf-8";
      const data = isUuid(params.id) ? await loadReport(deps, params.id.toLowerCase()) : null;
      if (!data) {
        set.status = 404;
        return notFoundPage();
      }
      return reportPage(data);
    },
    { params: t.Object({ id: t.String({ maxLength: 200 }) }), detail: { hide: true } },
  );
}

async function loadReport(deps: GatewayDeps, jobId: string): Promise<ReportData | null> {
  const job = await getJob(deps.svc.db, jobId);
  if (!job) return null;
  const { db } = deps.svc.db;
  const [steps, files, callbacks] = await Promise.all([
    db.select().from(jobSteps).where(eq(jobSteps.jobId, jobId)),
    db
      .select({
        key: jobFiles.key,
        sizeBytes: jobFiles.sizeBytes,
        expiresAt: jobFiles.expiresAt,
        purgedAt: jobFiles.purgedAt,
      })
      .from(jobFiles)
      .where(eq(jobFiles.jobId, jobId)),
    db.select().from(webhookCallbacks).where(eq(webhookCallbacks.jobId, jobId)),
  ]);
  steps.sort((a, b) => stepOrder.indexOf(a.step as Step) - stepOrder.indexOf(b.step as Step));
  return { job, steps, files, callbacks };
}

function notFoundPage(): string {
  const title = escapeHtml("Report not found — ShopSniffer");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
</head><body><main><h1>Report not found</h1><p>No job has this id.</p></main></body></html>`;
}
