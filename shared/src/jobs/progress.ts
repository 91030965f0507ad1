import type { JetStreamClient } from "nats";
import { type ProgressEvent, progressEventSchema } from "../contracts/messages.ts";
import { overallProgress, type Step } from "../contracts/stages.ts";
import type { NatsNames } from "../contracts/subjects.ts";
import type { Db } from "../db/client.ts";
import { assertNever } from "../errors.ts";
import { isoNow } from "../time.ts";
import { publishEvent } from "./events.ts";
import { getJob, refreshCounts, saveProgress } from "./state.ts";

/** Publishes progress events of one job to its subject in the progress stream. */
export class ProgressReporter {
  constructor(
    private readonly js: JetStreamClient,
    private readonly names: NatsNames,
    private readonly db: Db,
  ) {}

  /**
   * Publishes one event after checking it against the contract. Events that happen once (the
   * job's end, a step's outcome) carry a msgID, so a stage that runs twice publishes them once.
   */
  async publish(event: ProgressEvent): Promise<void> {
    const checked = progressEventSchema.parse(event);
    const once = onceKey(checked);
    await this.js.publish(this.names.progress(checked.job_id), JSON.stringify(checked), {
      ...(once ? { msgID: this.names.progressMsgId(checked.job_id, once) } : {}),
    });
    await this.announce(checked);
  }

  /** The analytics event that a step's end or the job's end also is. */
  private async announce(event: ProgressEvent): Promise<void> {
    if (event.type === "status") return;
    const job = await getJob(this.db, event.job_id);
    if (!job) return;
    const base = { job_id: job.id, domain: job.domain, at: event.at };
    if (event.type === "step") {
      const { step, reason } = event;
      if (event.status !== "completed" && event.status !== "skipped") return;
      const status = event.status;
      const payload = { ...base, step, status, ...(reason ? { reason } : {}) };
      await publishEvent(this.js, this.names, "step.completed", payload, step);
    } else if (event.type === "complete") {
      const counts = {
        product_count: job.productCount,
        collection_count: job.collectionCount,
        page_count: job.pageCount,
      };
      const payload = { ...base, status: "completed" as const, ...counts };
      await publishEvent(this.js, this.names, "job.completed", {
        ...payload,
        report_url: event.report_url,
      });
    } else {
      const { step, code, error, attempts } = event;
      const payload = { ...base, status: "errored" as const, step, code, error, attempts };
      await publishEvent(this.js, this.names, "job.failed", payload);
    }
  }

  /**
   * Recounts the job's items, stores its overall progress and publishes a `status` event.
   * `fraction` is how far `step` itself has come (0..1).
   */
  async status(jobId: string, step: Step, fraction: number): Promise<void> {
    await refreshCounts(this.db, jobId);
    await saveProgress(this.db, jobId, step, overallProgress(step, fraction));
    const job = await getJob(this.db, jobId);
    if (!job) return;
    await this.publish({
      type: "status",
      status: job.status,
      step,
      // The stored value never decreases, even when a stage runs again from its start.
      progress: job.progress / 1000,
      job_id: jobId,
      product_count: job.productCount,
      collection_count: job.collectionCount,
      page_count: job.pageCount,
      at: isoNow(),
    });
  }

  /** Publishes the end of a step; failures are reported by an `error` event instead. */
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

function onceKey(event: ProgressEvent): string | null {
  switch (event.type) {
    case "complete":
    case "error":
      return event.type;
    case "step":
      return `step:${event.step}:${event.status}`;
    case "status":
      return null;
    default:
      return assertNever(event);
  }
}
