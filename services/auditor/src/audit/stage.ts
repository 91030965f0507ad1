import { jobs } from "@shopsniffer/shared/db/schema";
import { finishStep, startStep } from "@shopsniffer/shared/jobs/state";
import type { StageRun, StageSpec } from "@shopsniffer/shared/nats/stage-runner";
import type { StoreFetcher } from "@shopsniffer/shared/store/fetch";
import { readShopifyGlobals } from "@shopsniffer/shared/store/globals";
import { assertAnalysable, inspectStore } from "@shopsniffer/shared/store/inspect";
import { isoNow } from "@shopsniffer/shared/time";
import { eq } from "drizzle-orm";
import type { AuditorService } from "../config.ts";
import { detectApps } from "./detect-apps.ts";
import { fetchMetaJson } from "./meta-json.ts";
import { readPageSources } from "./page-sources.ts";
import { buildShopMeta, type ShopMeta } from "./shop-meta.ts";

/**
 * The `audit` stage: reads the store's home page and `/meta.json` and saves `jobs.shop_meta`.
 * A store that became password-protected or stopped looking like Shopify since the job was
 * accepted fails the job; network trouble and 429/5xx answers are retried.
 */
export function auditStage(svc: AuditorService, fetchStore: StoreFetcher): StageSpec {
  return { stage: "audit", firstStep: "audit", handle: (run) => runAudit(svc, fetchStore, run) };
}

async function runAudit(svc: AuditorService, fetchStore: StoreFetcher, run: StageRun) {
  const jobId = run.job.id;
  await startStep(svc.db, jobId, "audit", run.attempt);
  await run.progress.status(jobId, "audit", 0);

  const shopMeta = await auditStore(fetchStore, run);
  await svc.db.write((db) =>
    db
      .update(jobs)
      .set({ shopMeta: { ...shopMeta }, updatedAt: isoNow() })
      .where(eq(jobs.id, jobId)),
  );

  await finishStep(svc.db, jobId, "audit", "completed", {
    primary_domain: shopMeta.primary_domain,
    theme_name: shopMeta.theme_name,
    apps: shopMeta.detected_apps.length,
  });
  await run.progress.status(jobId, "audit", 1);
  await run.progress.step(jobId, "audit", "completed");
}

/** Inspects the store behind the job's domain and gathers its `shop_meta`. */
async function auditStore(fetchStore: StoreFetcher, run: StageRun): Promise<ShopMeta> {
  const inspection = await inspectStore(fetchStore, run.job.domain);
  assertAnalysable(inspection);
  const meta = await fetchMetaJson(fetchStore, inspection.finalUrl, run.log);
  const sources = readPageSources(inspection.html, inspection.finalUrl);
  const globals = readShopifyGlobals(inspection.html);
  return buildShopMeta({ inspection, globals, meta, sources, apps: detectApps(sources) });
}
