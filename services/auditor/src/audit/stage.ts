import { jobs } from "@shopsniffer/shared/db/schema";
import { finishStep, startStep } from "@shopsniffer/shared/jobs/state";
import type { StageRun, StageSpec } from "@shopsniffer/shared/nats/stage-runner";
import type { FileStorage } from "@shopsniffer/shared/storage/file-storage";
import type { StoreFetcher } from "@shopsniffer/shared/store/fetch";
import { assertAnalysable, inspectStore } from "@shopsniffer/shared/store/inspect";
import { isoNow } from "@shopsniffer/shared/time";
import { and, eq, notInArray } from "drizzle-orm";
import type { BrowserHost } from "../browser/browser-host.ts";
import type { AuditorService } from "../config.ts";
import { lookAtPage } from "./look.ts";
import { fetchMetaJson } from "./meta-json.ts";
import { saveScreenshot, SCREENSHOT_KEY } from "./screenshot-file.ts";
import { buildShopMeta, type ShopMeta } from "./shop-meta.ts";
import { technologyData } from "./tech-data.ts";

/** What the audit stage works with besides the service. */
export interface AuditDeps {
  fetchStore: StoreFetcher;
  browser: BrowserHost;
  storage: FileStorage;
}

/**
 * The `audit` stage: renders the store's home page in Chromium (or reads its static HTML
 * when no browser can be used), reads `/meta.json`, detects apps and technologies, stores the
 * screenshot and saves `jobs.shop_meta`. A store that became password-protected or stopped
 * looking like Shopify since the job was accepted fails the job; network trouble and 429/5xx
 * answers are retried. A missing or failing browser never fails the job.
 */
export function auditStage(svc: AuditorService, deps: AuditDeps): StageSpec {
  return { stage: "audit", firstStep: "audit", handle: (run) => runAudit(svc, deps, run) };
}

async function runAudit(svc: AuditorService, deps: AuditDeps, run: StageRun) {
  const jobId = run.job.id;
  await startStep(svc.db, jobId, "audit", run.attempt);
  await run.progress.status(jobId, "audit", 0);

  const { shopMeta, screenshotBytes } = await auditStore(svc, deps, run);
  run.signal.throwIfAborted();
  const open = notInArray(jobs.status, ["completed", "errored"]);
  await svc.db.write((db) =>
    db
      .update(jobs)
      .set({ shopMeta: { ...shopMeta }, updatedAt: isoNow() })
      .where(and(eq(jobs.id, jobId), open)),
  );

  const detail = {
    primary_domain: shopMeta.primary_domain,
    theme_name: shopMeta.theme_name,
    apps: shopMeta.detected_apps.length,
    mode: shopMeta.audit_mode,
    ...(shopMeta.audit_mode_reason ? { reason: shopMeta.audit_mode_reason } : {}),
    requests: Object.values(shopMeta.page.request_counts).reduce((sum, n) => sum + n, 0),
    screenshot_bytes: screenshotBytes,
  };
  await finishStep(svc.db, jobId, "audit", "completed", detail, run.attempt);
  await run.progress.status(jobId, "audit", 1);
  await run.progress.step(jobId, "audit", "completed");
}

/** Inspects the store behind the job's domain and gathers its `shop_meta`. */
async function auditStore(
  svc: AuditorService,
  deps: AuditDeps,
  run: StageRun,
): Promise<{ shopMeta: ShopMeta; screenshotBytes: number | null }> {
  const inspection = await inspectStore(deps.fetchStore, run.job.domain);
  assertAnalysable(inspection);
  const meta = await fetchMetaJson(deps.fetchStore, inspection.finalUrl, run.log);
  const data = technologyData();
  const look = await lookAtPage({
    inspection,
    data,
    fetchStore: deps.fetchStore,
    browser: deps.browser,
    config: svc.config,
    log: run.log,
    signal: run.signal,
  });
  let screenshotBytes: number | null = null;
  run.signal.throwIfAborted();
  if (look.screenshot) {
    screenshotBytes = await saveScreenshot(
      { db: svc.db, storage: deps.storage, retentionDays: svc.config.EXPORT_RETENTION_DAYS },
      run.job.id,
      look.screenshot,
    );
  }
  run.log.info(
    { mode: look.page.mode, reason: look.page.reason, apps: look.report.apps.length },
    "store audited",
  );
  const shopMeta = buildShopMeta({
    inspection,
    meta,
    globals: look.globals,
    sources: look.sources,
    report: look.report,
    page: look.page,
    screenshot: screenshotBytes === null ? null : SCREENSHOT_KEY,
    fingerprints: data.source,
  });
  return { shopMeta, screenshotBytes };
}
