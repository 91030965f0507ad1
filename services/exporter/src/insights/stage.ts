import { jobs } from "@shopsniffer/shared/db/schema";
import { finishStep, startStep } from "@shopsniffer/shared/jobs/state";
import type { StageRun, StageSpec } from "@shopsniffer/shared/nats/stage-runner";
import { isoNow } from "@shopsniffer/shared/time";
import { eq } from "drizzle-orm";
import type { ExporterService } from "../config.ts";
import { productChunks } from "../product-rows.ts";
import { type CatalogInsights, InsightsBuilder } from "./catalog-insights.ts";
import { productFacts } from "./product-facts.ts";

/** The `insights` stage: computes `jobs.insights` from the job's stored products. */
export function insightsStage(svc: ExporterService): StageSpec {
  return { stage: "insights", firstStep: "insights", handle: (run) => runInsights(svc, run) };
}

async function runInsights(svc: ExporterService, run: StageRun) {
  const jobId = run.job.id;
  await startStep(svc.db, jobId, "insights", run.attempt);
  await run.progress.status(jobId, "insights", 0);

  const asOfMs = Date.parse(run.job.createdAt);
  const insights = await computeInsights(svc, jobId, currencyOf(run.job.shopMeta), asOfMs);
  await svc.db.write((db) =>
    db
      .update(jobs)
      .set({ insights: { ...insights }, updatedAt: isoNow() })
      .where(eq(jobs.id, jobId)),
  );

  await finishStep(svc.db, jobId, "insights", "completed", {
    products: insights.product_count,
    variants: insights.variant_count,
    priced: insights.price_range !== null,
  });
  await run.progress.status(jobId, "insights", 1);
  await run.progress.step(jobId, "insights", "completed");
}

/**
 * Reads every product of the job in chunks, in one pass, and returns its insights; only one
 * chunk of rows is in memory at a time. `asOfMs` ends the `published` windows (default now).
 */
export async function computeInsights(
  svc: Pick<ExporterService, "db">,
  jobId: string,
  currency: string | null,
  asOfMs = Date.now(),
): Promise<CatalogInsights> {
  const builder = new InsightsBuilder(Number.isFinite(asOfMs) ? asOfMs : Date.now());
  for await (const rows of productChunks(svc.db, jobId)) {
    for (const row of rows) builder.add(productFacts(row));
  }
  return builder.result(currency);
}

function currencyOf(shopMeta: Record<string, unknown> | null): string | null {
  const currency = shopMeta?.currency;
  return typeof currency === "string" && currency ? currency : null;
}
