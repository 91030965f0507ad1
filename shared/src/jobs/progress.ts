import type { JetStreamClient } from "nats";
import { type JobOutcome, type ProgressEvent, progressEventSchema } from "../contracts/messages.ts";
import { overallProgress, type Step } from "../contracts/stages.ts";
import type { NatsNames } from "../contracts/subjects.ts";
import type { Db } from "../db/client.ts";
import { assertNever } from "../errors.ts";
import { isoNow } from "../time.ts";
import { publishEvent } from "./events.ts";
import { jobOutcome } from "./outcome.ts";
import { getJob, refreshCounts, saveProgress } from "./state.ts";

/**
 * A step's `status` events are published when its fraction has grown by at least this much
 * (or at 1): each one recounts the job's rows, so a step of many small batches would
 * otherwise recount a 100,000-product catalog thousands of times.
 */
const MIN_STATUS_STEP = 0.01;
/** Steps whose last published fraction is remembered, at most (older ones are forgotten). */
const MAX_TRACKED_STEPS = 1_000;

/**
 * Publishes progress events of one job to its subject in the progress stream. With `signal`
 * (a stage attempt's), every call throws its reason once it fired: an attempt abandoned at its
 * deadline publishes nothing more and stops at its next report.
 */
export class ProgressReporter {
  private readonly lastFraction = new Map<string, number>();

  constructor(
    private readonly js: JetStreamClient,
    private readonly names: NatsNames,
    private readonly db: Db,
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * Publishes one event after checking it against the contract. Events that happen once (the
   * job's end, a step's outcome) carry a msgID, so a stage that runs twice publishes them once.
   * The job's end (`complete`, `error`) gets the job's `outcome` when it does not carry one.
   */
  async publish(event: ProgressEvent): Promise<void> {
    this.signal?.throwIfAborted();
    const checked = progressEventSchema.parse(await this.withOutcome(event));
    const once = onceKey(checked);
    await this.js.publish(this.names.progress(checked.job_id), JSON.stringify(checked), {
      ...(once ? { msgID: this.names.progressMsgId(checked.job_id, once) } : {}),
    });
    await this.announce(checked);
  }

  private async withOutcome(event: ProgressEvent): Promise<ProgressEvent> {
    if ((event.type !== "complete" && event.type !== "error") || event.outcome !== undefined) {
      return event;
    }
    const job = await getJob(this.db, event.job_id);
    return job ? { ...event, outcome: await jobOutcome(this.db, job) } : event;
  }

  /** The analytics event that a step's end or the job's end also is. */
  private async announce(event: ProgressEvent): Promise<void> {
    if (event.type === "status") return;
    const job = await getJob(this.db, event.job_id);
    if (!job) return;
    const base = { job_id: job.id, domain: job.domain, at: event.at };
    if (event.type === "step") {
      const { step, reason, outcome } = event;
      if (event.status !== "completed" && event.status !== "skipped") return;
      const status = event.status;
      const payload = {
        ...base,
        step,
        status,
        ...(reason ? { reason } : {}),
        ...(outcome !== undefined ? { outcome } : {}),
      };
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
        outcome: event.outcome ?? null,
      });
    } else {
      const { step, code, error, attempts } = event;
      const outcome = event.outcome ?? null;
      const payload = { ...base, status: "errored" as const, step, code, error, attempts, outcome };
      await publishEvent(this.js, this.names, "job.failed", payload);
    }
  }

  /**
   * Recounts the job's items, stores its overall progress and publishes a `status` event.
   * `fraction` is how far `step` itself has come (0..1); a call that moved it by less than
   * `MIN_STATUS_STEP` since the last event of the step does nothing.
   */
  async status(jobId: string, step: Step, fraction: number): Promise<void> {
    this.signal?.throwIfAborted();
    if (!this.due(`${jobId}:${step}`, fraction)) return;
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

  /** Whether a `status` at `fraction` is worth publishing; remembers it when it is. */
  private due(key: string, fraction: number): boolean {
    const last = this.lastFraction.get(key);
    if (fraction < 1 && last !== undefined && fraction - last < MIN_STATUS_STEP) return false;
    if (this.lastFraction.size >= MAX_TRACKED_STEPS) this.lastFraction.clear();
    if (fraction >= 1) this.lastFraction.delete(key);
    else this.lastFraction.set(key, fraction);
    return true;
  }

  /**
   * Publishes the end of a step; failures are reported by an `error` event instead. The
   * products step passes the catalog's `outcome`.
   */
  async step(
    jobId: string,
    step: Step,
    status: "completed" | "skipped",
    reason?: string,
    outcome?: JobOutcome,
  ) {
    await this.publish({
      type: "step",
      step,
      completed: true,
      job_id: jobId,
      status,
      ...(reason ? { reason } : {}),
      ...(outcome ? { outcome } : {}),
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
