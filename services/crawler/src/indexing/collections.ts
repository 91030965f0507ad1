import { chunks } from "../concurrency.ts";
import { walkCollections } from "./collection-walk.ts";
import { type IndexingContext, type StepResult, stepFraction } from "./context.ts";
import { upsertCollections } from "./rows.ts";

/** Collection rows written between two progress events. */
const BATCH = 25;

/**
 * Step `indexing-collections`: stores the collections and their product handles. The
 * `indexing-products` step already walked them (it needs their product lists for the
 * catalog); the walk is done here only when that step did not run in this process.
 */
export async function indexCollections(ctx: IndexingContext): Promise<StepResult> {
  const walk = ctx.collectionWalk ?? (await walkCollections(ctx, null));
  let stored = 0;
  for (const batch of chunks(walk.rows, BATCH)) {
    await upsertCollections(ctx.svc.db, batch);
    stored += batch.length;
    const fraction = stepFraction(stored, walk.rows.length);
    await ctx.run.progress.status(ctx.jobId, "indexing-collections", fraction);
  }
  return { detail: walk.detail, reason: walk.reason };
}
