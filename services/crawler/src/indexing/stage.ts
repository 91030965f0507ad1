import type { Step } from "@shopsniffer/shared/contracts/stages";
import { finishStep, startStep } from "@shopsniffer/shared/jobs/state";
import type { StageRun, StageSpec } from "@shopsniffer/shared/nats/stage-runner";
import type { CrawlerDeps } from "../context.ts";
import { storeSession } from "../store-session.ts";
import { indexCollections } from "./collections.ts";
import type { IndexingContext, StepResult } from "./context.ts";
import { indexPages } from "./pages.ts";
import { indexProducts } from "./products.ts";

type IndexingStep = (ctx: IndexingContext) => Promise<StepResult>;

/** The steps of the indexing stage, in the order they run. */
const STEPS: ReadonlyArray<readonly [Step, IndexingStep]> = [
  ["indexing-products", indexProducts],
  ["indexing-collections", indexCollections],
  ["indexing-pages", indexPages],
];

/** The `indexing` stage: products, collections and pages of the store. */
export function indexingStage(deps: CrawlerDeps): StageSpec {
  return {
    stage: "indexing",
    firstStep: "indexing-products",
    handle: (run) => runIndexingStage(deps, run),
  };
}

/**
 * Runs the three indexing steps. Every write is an upsert keyed by job and item, so a
 * redelivered message (after a crash or a retry) redoes the work without duplicates.
 */
export async function runIndexingStage(deps: CrawlerDeps, run: StageRun): Promise<void> {
  const ctx: IndexingContext = {
    ...deps,
    run,
    jobId: run.job.id,
    base: `https://${run.job.domain}`,
    session: storeSession(deps.fetchStore, deps.svc.config, run.signal),
  };
  for (const [step, index] of STEPS) await runStep(ctx, step, index);
}

async function runStep(ctx: IndexingContext, step: Step, index: IndexingStep): Promise<void> {
  const { svc, run, jobId } = ctx;
  const started = performance.now();
  run.step = step;
  await startStep(svc.db, jobId, step, run.attempt);
  const result = await index(ctx);
  await finishStep(svc.db, jobId, step, "completed", result.detail, run.attempt);
  await run.progress.status(jobId, step, 1);
  await run.progress.step(jobId, step, "completed", result.reason, result.outcome);
  const durationMs = Math.round(performance.now() - started);
  run.log.info({ step, attempt: run.attempt, durationMs, ...result.detail }, "step done");
}
