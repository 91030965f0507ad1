import { finishStep, startStep } from "@shopsniffer/shared/jobs/state";
import type { StageRun, StageSpec } from "@shopsniffer/shared/nats/stage-runner";
import type { CrawlerDeps } from "../context.ts";
import {
  type ChildOutcome,
  type ChildSitemap,
  readChildSitemap,
  readRootSitemap,
  type SitemapReader,
} from "./read-sitemaps.ts";
import { countSitemapUrls, SitemapUrlWriter } from "./url-writer.ts";

/** Child sitemaps read per job at most, nested indexes included (Shopify lists a few dozen). */
const MAX_CHILDREN = 1_000;

/** The `sitemap` stage: stores every URL the store's sitemaps list, by kind. */
export function sitemapStage(deps: CrawlerDeps): StageSpec {
  return { stage: "sitemap", firstStep: "sitemap", handle: (run) => runSitemapStage(deps, run) };
}

/**
 * Reads `https://<domain>/sitemap.xml` and every child it lists, storing URLs as it streams.
 * Safe to run again: stored URLs are kept and counts come from the rows.
 */
export async function runSitemapStage(deps: CrawlerDeps, run: StageRun): Promise<void> {
  const { svc } = deps;
  const jobId = run.job.id;
  run.step = "sitemap";
  await startStep(svc.db, jobId, "sitemap", run.attempt);
  const writer = new SitemapUrlWriter(svc.db, jobId, svc.config.CRAWLER_SITEMAP_BATCH);
  const reader: SitemapReader = { fetchStore: deps.fetchStore, writer, log: run.log };
  const rootUrl = `https://${run.job.domain}/sitemap.xml`;
  const children = await readRootSitemap(reader, rootUrl);
  const outcomes = await readChildren(reader, run, children);
  const counts = await countSitemapUrls(svc.db, jobId);
  const failed = outcomes.filter((outcome) => outcome.error !== undefined);
  await finishStep(svc.db, jobId, "sitemap", "completed", {
    products: counts.product,
    collections: counts.collection,
    pages: counts.page,
    blogs: counts.blog,
    other: counts.other,
    children: outcomes.length,
    ...(failed.length > 0
      ? { failed_children: failed.map(({ loc, error }) => ({ loc, error })) }
      : {}),
  });
  await run.progress.status(jobId, "sitemap", 1);
  await run.progress.step(jobId, "sitemap", "completed", `${counts.product} product URLs`);
  run.log.info({ ...counts, children: outcomes.length, failed: failed.length }, "sitemap read");
}

/** Reads the children one by one (nested indexes appended), publishing progress after each. */
async function readChildren(
  reader: SitemapReader,
  run: StageRun,
  children: ChildSitemap[],
): Promise<ChildOutcome[]> {
  const queue = [...children];
  const seen = new Set(queue.map((child) => child.loc));
  const outcomes: ChildOutcome[] = [];
  for (let i = 0; i < queue.length && i < MAX_CHILDREN; i++) {
    const { outcome, nested } = await readChildSitemap(reader, queue[i] as ChildSitemap);
    outcomes.push(outcome);
    for (const child of nested.filter((n) => !seen.has(n.loc))) {
      seen.add(child.loc);
      queue.push(child);
    }
    if (outcome.error)
      run.log.warn({ child: outcome.loc, error: outcome.error }, "child sitemap skipped");
    await run.progress.status(run.job.id, "sitemap", (i + 1) / Math.max(queue.length, 1));
  }
  return outcomes;
}
