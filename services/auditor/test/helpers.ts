import { getJob, type JobRow } from "@shopsniffer/shared/jobs/state";
import { insertTestJob } from "@shopsniffer/shared/testing/jobs";
import type { AuditorService } from "../src/config.ts";

/** Inserts a pending job for `domain` and returns its row. */
export async function insertJob(svc: AuditorService, domain: string): Promise<JobRow> {
  return reload(svc, await insertTestJob(svc.db, { domain, status: "pending" }));
}

export async function reload(svc: AuditorService, jobId: string): Promise<JobRow> {
  const job = await getJob(svc.db, jobId);
  if (!job) throw new Error(`job ${jobId} missing`);
  return job;
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
