import { AppError } from "@shopsniffer/shared/errors";
import { finishStep, startStep } from "@shopsniffer/shared/jobs/state";
import type { StageRun, StageSpec } from "@shopsniffer/shared/nats/stage-runner";
import type { StoreFetcher } from "@shopsniffer/shared/store/fetch";
import type { AuditorService } from "../config.ts";
import { sampleStorePages } from "../seo/sample.ts";
import type { PagespeedProvider } from "./provider.ts";
import { pagespeedPages } from "./targets.ts";

/**
 * The `pagespeed` stage: fetches a sample of the store's pages for the SEO checks (with
 * `fetchStore`; stored as `seo_sample` in the step's detail, whatever the provider does), then
 * asks the configured provider to measure the store's home page and, when the store has them,
 * one collection and one product page.
 */
export function pagespeedStage(
  svc: AuditorService,
  provider: PagespeedProvider,
  fetchStore?: StoreFetcher,
): StageSpec {
  return {
    stage: "pagespeed",
    firstStep: "pagespeed",
    handle: (run) => runPagespeed(svc, provider, run, fetchStore),
  };
}

async function runPagespeed(
  svc: AuditorService,
  provider: PagespeedProvider,
  run: StageRun,
  fetchStore: StoreFetcher | undefined,
) {
  const jobId = run.job.id;
  await startStep(svc.db, jobId, "pagespeed", run.attempt);
  const startedMs = performance.now();
  const seoSample = fetchStore
    ? { seo_sample: await sampleStorePages(svc, fetchStore, jobId, homeOrigin(run)) }
    : {};
  const sampleMs = Math.round(performance.now() - startedMs);
  run.signal.throwIfAborted();
  const pages = await pagespeedPages(svc, jobId, homeOrigin(run));
  const outcome = await measureOrGiveUp(svc, provider, run, pages);
  run.signal.throwIfAborted();
  const measureMs = Math.round(performance.now() - startedMs) - sampleMs;
  const timing = { sample_ms: sampleMs, measure_ms: measureMs };
  run.log.info(
    {
      provider: provider.name,
      pages: pages.map((p) => p.kind),
      outcome: outcome.status,
      ...timing,
    },
    "pagespeed measured",
  );
  if (outcome.status === "skipped") {
    const detail = { provider: provider.name, reason: outcome.reason, timing, ...seoSample };
    await finishStep(svc.db, jobId, "pagespeed", "skipped", detail, run.attempt);
    await run.progress.status(jobId, "pagespeed", 1);
    await run.progress.step(jobId, "pagespeed", "skipped", outcome.reason);
    return;
  }
  const detail = { provider: provider.name, ...outcome.detail, timing, ...seoSample };
  await finishStep(svc.db, jobId, "pagespeed", "completed", detail, run.attempt);
  await run.progress.status(jobId, "pagespeed", 1);
  await run.progress.step(jobId, "pagespeed", "completed");
}

/**
 * Measures; a retryable failure (quota exhausted, service busy) is retried by the stage
 * runner, but on the stage's last attempt the step is skipped with the reason instead, so a
 * PageSpeed outage never fails the whole job.
 */
async function measureOrGiveUp(
  svc: AuditorService,
  provider: PagespeedProvider,
  run: StageRun,
  pages: Awaited<ReturnType<typeof pagespeedPages>>,
): ReturnType<PagespeedProvider["measure"]> {
  try {
    return await provider.measure({ jobId: run.job.id, pages, signal: run.signal });
  } catch (error) {
    const lastAttempt = run.attempt >= svc.config.STAGE_MAX_DELIVER;
    if (!(error instanceof AppError) || !error.retryable || !lastAttempt) throw error;
    return { status: "skipped", reason: `PageSpeed unavailable: ${error.message}` };
  }
}

/** The primary domain the audit found, else the job's domain, as an https origin. */
function homeOrigin(run: StageRun): string {
  const primary = run.job.shopMeta?.primary_domain;
  const host = typeof primary === "string" && primary ? primary : run.job.domain;
  return `https://${host}`;
}
