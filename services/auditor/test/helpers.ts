import { jobs } from "@shopsniffer/shared/db/schema";
import { getJob, type JobRow } from "@shopsniffer/shared/jobs/state";
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
