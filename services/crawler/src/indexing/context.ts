import type { StageRun } from "@shopsniffer/shared/nats/stage-runner";
import type { CrawlerDeps } from "../context.ts";
import type { StoreSession } from "../store-session.ts";
import type { CollectionWalk } from "./collection-walk.ts";
import type { CatalogOutcome } from "./outcome.ts";

/** One job's indexing: the crawler's deps, the stage run and the store's base URL. */
export interface IndexingContext extends CrawlerDeps {
  run: StageRun;
  jobId: string;
  /** `https://<job.domain>`, the origin every store path is fetched from (no trailing slash). */
  base: string;
  /** Every store request of the job goes through it: Retry-After cap, concurrency, signals. */
  session: StoreSession;
  /** The collections as the products step walked them, kept for the collections step. */
  collectionWalk?: CollectionWalk;
}

/** How one indexing step ended: facts for `job_steps.detail` and a short reason for the event. */
export interface StepResult {
  detail: Record<string, unknown>;
  reason?: string;
  /** The catalog's classification, for the products step's `step` message and event. */
  outcome?: CatalogOutcome;
}

/** A step's own progress (0..1) from `done` of an estimated `total`; below 1 until it ends. */
export function stepFraction(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(0.99, done / total);
}
