import type { Stage, Step } from "@shopsniffer/shared/contracts/stages";
import { jobs } from "@shopsniffer/shared/db/schema";
import { ProgressReporter } from "@shopsniffer/shared/jobs/progress";
import { getJob, type JobRow } from "@shopsniffer/shared/jobs/state";
import type { StageRun } from "@shopsniffer/shared/nats/stage-runner";
import { domainSlug } from "@shopsniffer/shared/store/domain";
import { isoNow } from "@shopsniffer/shared/time";
import type { AuditorService } from "../src/config.ts";

/** Inserts a pending job for `domain` and returns its row. */
export async function insertJob(svc: AuditorService, domain: string): Promise<JobRow> {
  const id = crypto.randomUUID();
  const now = isoNow();
  await svc.db.write((db) =>
    db.insert(jobs).values({
      id,
      domain,
      slug: domainSlug(domain),
      status: "pending",
      createdAt: now,
      updatedAt: now,
    }),
  );
  return reload(svc, id);
}

export async function reload(svc: AuditorService, jobId: string): Promise<JobRow> {
  const job = await getJob(svc.db, jobId);
  if (!job) throw new Error(`job ${jobId} missing`);
  return job;
}

/** What the stage runner hands a handler, for calling handlers directly. */
export function stageRun(svc: AuditorService, job: JobRow, stage: Stage, step: Step): StageRun {
  return {
    job,
    stage,
    attempt: 1,
    log: svc.log.child({ jobId: job.id, stage }),
    progress: new ProgressReporter(svc.js, svc.names, svc.db),
    step,
  };
}

/** Collects the progress events of a job published from now on. */
export function watchProgress(svc: AuditorService, jobId: string) {
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

/** Polls the job until it is completed or errored, or `timeoutMs` passed. */
export async function waitForEnd(svc: AuditorService, jobId: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let job = await reload(svc, jobId);
  while (job.status !== "completed" && job.status !== "errored" && Date.now() < deadline) {
    await Bun.sleep(50);
    job = await reload(svc, jobId);
  }
  return job;
}
