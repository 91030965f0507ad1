import { finishStep, startStep } from "@shopsniffer/shared/jobs/state";
import type { StageRun, StageSpec } from "@shopsniffer/shared/nats/stage-runner";
import type { AuditorService } from "../config.ts";
import type { PagespeedProvider } from "./provider.ts";

/** The `pagespeed` stage: asks the configured provider to measure the store's home page. */
export function pagespeedStage(svc: AuditorService, provider: PagespeedProvider): StageSpec {
  return {
    stage: "pagespeed",
    firstStep: "pagespeed",
    handle: (run) => runPagespeed(svc, provider, run),
  };
}

async function runPagespeed(svc: AuditorService, provider: PagespeedProvider, run: StageRun) {
  const jobId = run.job.id;
  await startStep(svc.db, jobId, "pagespeed", run.attempt);
  const outcome = await provider.measure({ jobId, url: homeUrl(run) });
  if (outcome.status === "skipped") {
    await finishStep(svc.db, jobId, "pagespeed", "skipped", {
      provider: provider.name,
      reason: outcome.reason,
    });
    await run.progress.status(jobId, "pagespeed", 1);
    await run.progress.step(jobId, "pagespeed", "skipped", outcome.reason);
    return;
  }
  await finishStep(svc.db, jobId, "pagespeed", "completed", {
    provider: provider.name,
    ...outcome.detail,
  });
  await run.progress.status(jobId, "pagespeed", 1);
  await run.progress.step(jobId, "pagespeed", "completed");
}

/** The home page on the primary domain the audit found, else on the job's domain. */
function homeUrl(run: StageRun): string {
  const primary = run.job.shopMeta?.primary_domain;
  const host = typeof primary === "string" && primary ? primary : run.job.domain;
  return `https://${host}/`;
}
