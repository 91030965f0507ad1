import type { Stage, Step } from "../contracts/stages.ts";
import { ProgressReporter } from "../jobs/progress.ts";
import { getJob } from "../jobs/state.ts";
import type { StageRun } from "../nats/stage-runner.ts";
import type { ServiceContext } from "../service.ts";

/**
 * The `StageRun` the stage runner would hand a handler on the first delivery of `stage` for
 * `jobId`, with the job read fresh from the database, so a test can call a handler directly.
 * `step` is the stage's first step (its `StageSpec.firstStep`). Throws when the job is missing.
 */
export async function stageRunFor(
  svc: ServiceContext,
  jobId: string,
  stage: Stage,
  step: Step,
): Promise<StageRun> {
  const job = await getJob(svc.db, jobId);
  if (!job) throw new Error(`job ${jobId} missing`);
  return {
    job,
    stage,
    attempt: 1,
    log: svc.log.child({ jobId, stage }),
    progress: new ProgressReporter(svc.js, svc.names, svc.db),
    step,
    signal: new AbortController().signal,
  };
}

/** The progress events a `watchProgress` call has seen so far, and how to stop watching. */
export interface ProgressWatch {
  /** Events in arrival order, as parsed JSON. */
  events: Array<Record<string, unknown>>;
  /** Waits for events already published to arrive, then unsubscribes. */
  stop(): Promise<void>;
}

/** Collects the progress events of `jobId` published from now on; earlier ones are not replayed. */
export function watchProgress(svc: ServiceContext, jobId: string): ProgressWatch {
  const events: Array<Record<string, unknown>> = [];
  const sub = svc.nc.subscribe(svc.names.progress(jobId), {
    callback: (_error, msg) => events.push(msg.json<Record<string, unknown>>()),
  });
  return {
    events,
    async stop() {
      await svc.nc.flush();
      sub.unsubscribe();
    },
  };
}
