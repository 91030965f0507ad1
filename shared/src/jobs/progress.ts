import type { JetStreamClient } from "nats";
import { type ProgressEvent, progressEventSchema } from "../contracts/messages.ts";
import { overallProgress, type Step } from "../contracts/stages.ts";
import type { NatsNames } from "../contracts/subjects.ts";
import type { Db } from "../db/client.ts";
import { isoNow } from "../time.ts";
import { getJob, refreshCounts, saveProgress } from "./state.ts";

/** Publishes progress events of one job to its subject in the progress stream. */
export class ProgressReporter {
  constructor(
    private readonly js: JetStreamClient,
    private readonly names: NatsNames,
    private readonly db: Db,
  ) {}

  /**
   * Publishes one event after checking it against the contract. A job ends once, so `complete`
   * and `error` events carry a msgID and a stage that runs twice publishes them once.
   */
  async publish(event: ProgressEvent): Promise<void> {
    const checked = progressEventSchema.parse(event);
    const terminal = checked.type === "complete" || checked.type === "error";
    await this.js.publish(this.names.progress(checked.job_id), JSON.stringify(checked), {
      ...(terminal ? { msgID: `${checked.job_id}:${checked.type}` } : {}),
    });
  }

  /**
   * Recounts the job's items, stores its overall progress and publishes a `status` event.
   * `fraction` is how far `step` itself has come (0..1).
   */
  async status(jobId: string, step: Step, fraction: number): Promise<void> {
    const progress = overallProgress(step, fraction);
    await refreshCounts(this.db, jobId);
    await saveProgress(this.db, jobId, step, progress);
    const job = await getJob(this.db, jobId);
    if (!job) return;
    await this.publish({
      type: "status",
      status: job.status,
      step,
      progress,
      job_id: jobId,
      product_count: job.productCount,
      collection_count: job.collectionCount,
      page_count: job.pageCount,
      at: isoNow(),
    });
  }

  /** Publishes the end of a step (`completed: true` unless it errored). */
  async step(jobId: string, step: Step, status: "completed" | "skipped", reason?: string) {
    await this.publish({
      type: "step",
      step,
      completed: true,
      job_id: jobId,
      status,
      ...(reason ? { reason } : {}),
      at: isoNow(),
    });
  }
}
