import { jobs } from "@shopsniffer/shared/db/schema";
import { finishStep, type JobRow, startStep } from "@shopsniffer/shared/jobs/state";
import type { StageRun, StageSpec } from "@shopsniffer/shared/nats/stage-runner";
import { isoNow } from "@shopsniffer/shared/time";
import { eq } from "drizzle-orm";
import type { ExporterService } from "../config.ts";
import { productChunks } from "../product-rows.ts";
import { type CatalogInsights, InsightsBuilder } from "./catalog-insights.ts";
import { ChangesBuilder } from "./catalog-changes.ts";
import { findPreviousJob, PreviousCatalog } from "./previous-catalog.ts";
import { productFacts } from "./product-facts.ts";
import { computeSeoInsights } from "./seo-insights.ts";

/** The `insights` stage: computes `jobs.insights` from the job's stored products. */
export function insightsStage(svc: ExporterService): StageSpec {
  return { stage: "insights", firstStep: "insights", handle: (run) => runInsights(svc, run) };
}

async function runInsights(svc: ExporterService, run: StageRun) {
  const jobId = run.job.id;
  await startStep(svc.db, jobId, "insights", run.attempt);
  await run.progress.status(jobId, "insights", 0);

  const insights = await computeInsights(svc, run.job);
  const seo = await computeSeoInsights(svc.db, run.job);
  await svc.db.write((db) =>
    db
      .update(jobs)
      .set({ insights: { ...insights, seo }, updatedAt: isoNow() })
      .where(eq(jobs.id, jobId)),
  );

  await finishStep(
    svc.db,
    jobId,
    "insights",
    "completed",
    {
      products: insights.product_count,
      variants: insights.variant_count,
      priced: insights.price_range !== null,
      seo_findings: seo.findings.length,
    },
    run.attempt,
  );
  await run.progress.status(jobId, "insights", 1);
  await run.progress.step(jobId, "insights", "completed");
}

/** The job fields insights are computed from. */
export type InsightsJob = Pick<JobRow, "id" | "domain" | "createdAt" | "shopMeta">;

/**
 * Reads every product of the job in chunks, in one pass, and returns its insights; only one
 * chunk of rows is in memory at a time, plus one chunk of the previous job's catalog when
 * there is one to compare with (both are read in product id order). The `published` windows
 * end at the job's creation.
 */
export async function computeInsights(
  svc: Pick<ExporterService, "db">,
  job: InsightsJob,
): Promise<CatalogInsights> {
  const asOfMs = Date.parse(job.createdAt);
  const builder = new InsightsBuilder(Number.isFinite(asOfMs) ? asOfMs : Date.now());
  const previous = await findPreviousJob(svc.db, job);
  const changes = previous ? new ChangesBuilder(new PreviousCatalog(previous, svc.db)) : null;

  for await (const rows of productChunks(svc.db, job.id)) {
    for (const row of rows) {
      const facts = productFacts(row);
      builder.add(facts);
      await changes?.add(facts);
    }
  }
  return builder.result(currencyOf(job.shopMeta), (await changes?.result()) ?? null);
}

function currencyOf(shopMeta: Record<string, unknown> | null): string | null {
  const currency = shopMeta?.currency;
  return typeof currency === "string" && currency ? currency : null;
}
