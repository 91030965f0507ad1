import { finishStep, startStep } from "@shopsniffer/shared/jobs/state";
import type { StageRun, StageSpec } from "@shopsniffer/shared/nats/stage-runner";
import type { CrawlerDeps } from "../context.ts";
import { storeSession } from "../store-session.ts";
import { recordStoreIdentity } from "./identity.ts";
import {
  type ChildOutcome,
  ChildQueue,
  readChildSitemap,
  readRootSitemap,
  type SitemapReader,
} from "./read-sitemaps.ts";
import { countSitemapUrls, SitemapUrlWriter } from "./url-writer.ts";

/** The `sitemap` stage: stores every URL the store's sitemaps list, by kind. */
export function sitemapStage(deps: CrawlerDeps): StageSpec {
  return { stage: "sitemap", firstStep: "sitemap", handle: (run) => runSitemapStage(deps, run) };
}

/**
 * Reads `https://<domain>/sitemap.xml` and every child it lists, storing URLs as it streams.
 * Past `CRAWLER_MAX_SITEMAP_URLS` URLs or `CRAWLER_MAX_SITEMAP_CHILDREN` children it stops
 * reading and completes with `truncated` in the step's detail. Records the store's primary and
 * myshopify domains in `shop_meta`. Safe to run again: stored URLs are kept and counts come
 * from the rows.
 */
export async function runSitemapStage(deps: CrawlerDeps, run: StageRun): Promise<void> {
  const { svc } = deps;
  const jobId = run.job.id;
  run.step = "sitemap";
  await startStep(svc.db, jobId, "sitemap", run.attempt);
  const reader: SitemapReader = {
    store: storeSession(deps.fetchStore, svc.config, run.signal),
    writer: new SitemapUrlWriter(
      svc.db,
      jobId,
      svc.config.CRAWLER_SITEMAP_BATCH,
      svc.config.CRAWLER_MAX_SITEMAP_URLS,
    ),
    children: new ChildQueue(svc.config.CRAWLER_MAX_SITEMAP_CHILDREN),
    log: run.log,
  };
  await readRootSitemap(reader, `https://${run.job.domain}/sitemap.xml`);
  const outcomes = await readChildren(reader, run);
  // After the sitemaps, so a host that moved for good is asked on its new name.
  await recordStoreIdentity(deps, jobId, run.job.domain, reader.store, run.log);
  const counts = await countSitemapUrls(svc.db, jobId);
  const failed = outcomes.filter((outcome) => outcome.error !== undefined);
  const localeCopies = outcomes.filter((outcome) => outcome.localeCopy).length;
  const truncation = truncationOf(reader);
  if (truncation) run.log.warn(truncation, "sitemap truncated");
  await finishStep(
    svc.db,
    jobId,
    "sitemap",
    "completed",
    {
      products: counts.product,
      collections: counts.collection,
      pages: counts.page,
      blogs: counts.blog,
      other: counts.other,
      children: outcomes.length,
      ...(localeCopies > 0 ? { locale_copies_skipped: localeCopies } : {}),
      ...(failed.length > 0
        ? { failed_children: failed.map(({ loc, error }) => ({ loc, error })) }
        : {}),
      ...truncation,
    },
    run.attempt,
  );
  await run.progress.status(jobId, "sitemap", 1);
  const reason = `${counts.product} product URLs${truncation ? " (truncated)" : ""}`;
  await run.progress.step(jobId, "sitemap", "completed", reason);
  run.log.info({ ...counts, children: outcomes.length, failed: failed.length }, "sitemap read");
}

/**
 * Reads the queued children one by one (nested indexes queue theirs), publishing progress
 * after each, until the queue ends or the URL cap is reached.
 */
async function readChildren(reader: SitemapReader, run: StageRun): Promise<ChildOutcome[]> {
  const queue = reader.children;
  const outcomes: ChildOutcome[] = [];
  let fraction = 0;
  for (let i = 0; i < queue.length && !reader.writer.truncated; i++) {
    const child = queue.at(i);
    if (!child) break;
    const outcome = await readChildSitemap(reader, child);
    outcomes.push(outcome);
    if (outcome.error)
      run.log.warn({ child: outcome.loc, error: outcome.error }, "child sitemap skipped");
    // A nested index grows the queue, which would pull (i + 1) / length back: never go back.
    fraction = Math.max(fraction, (i + 1) / queue.length);
    await run.progress.status(run.job.id, "sitemap", fraction);
  }
  return outcomes;
}

/**
 * `{ truncated: true }` with the cap of each limit that refused something (`max_urls`,
 * `max_children`), or null when the sitemaps were read to the end.
 */
function truncationOf(reader: SitemapReader): Record<string, unknown> | null {
  const { writer, children } = reader;
  if (!writer.truncated && !children.truncated) return null;
  return {
    truncated: true,
    ...(writer.truncated ? { max_urls: writer.maxUrls } : {}),
    ...(children.truncated ? { max_children: children.max } : {}),
  };
}
