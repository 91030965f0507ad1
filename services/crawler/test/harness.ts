import { ProgressReporter } from "@shopsniffer/shared/jobs/progress";
import { getJob } from "@shopsniffer/shared/jobs/state";
import type { StageRun } from "@shopsniffer/shared/nats/stage-runner";
import { bootService } from "@shopsniffer/shared/service";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import {
  type RunningStorefront,
  type StorefrontOptions,
  type StorefrontSource,
  startStorefront,
} from "@shopsniffer/shared/storefront/server";
import { createTestWorld, type TestWorld } from "@shopsniffer/shared/testing/env";
import { insertTestJob } from "@shopsniffer/shared/testing/jobs";
import { crawlerConfigSchema } from "../src/config.ts";
import type { CrawlerDeps } from "../src/context.ts";

/** A storefront, a test world (NATS + database) and a booted crawler context around them. */
export interface Harness {
  world: TestWorld;
  storefront: RunningStorefront;
  deps: CrawlerDeps;
  /** Inserts a pending job for `domain` and returns its id. */
  createJob(domain?: string): Promise<string>;
  /** A stage run for the job as the stage runner would build it (first delivery). */
  stageRun(jobId: string, stage: StageRun["stage"]): Promise<StageRun>;
  stop(): Promise<void>;
}

/** Starts everything a stage test needs; `domain` is mapped to the storefront's origin. */
export async function startHarness(
  source: StorefrontSource,
  domain: string,
  options: StorefrontOptions = {},
  env: Record<string, string> = {},
): Promise<Harness> {
  const storefront = await startStorefront(source, options);
  const world = await createTestWorld({ STORE_ORIGINS: `${domain}=${storefront.origin}`, ...env });
  const svc = await bootService("crawler", crawlerConfigSchema, world.env);
  const fetchStore = createStoreFetcher({
    origins: svc.config.STORE_ORIGINS,
    timeoutMs: svc.config.STORE_FETCH_TIMEOUT_MS,
  });
  const deps: CrawlerDeps = { svc, fetchStore };
  return {
    world,
    storefront,
    deps,
    createJob: (jobDomain = domain) => insertJob(deps, jobDomain),
    async stageRun(jobId, stage) {
      const job = await getJob(svc.db, jobId);
      if (!job) throw new Error(`job ${jobId} missing`);
      const progress = new ProgressReporter(svc.js, svc.names, svc.db);
      const step = stage === "sitemap" ? "sitemap" : "indexing-products";
      const signal = new AbortController().signal;
      return { job, stage, attempt: 1, log: svc.log, progress, step, signal };
    },
    async stop() {
      await svc.close();
      await storefront.stop();
      await world.stop();
    },
  };
}

async function insertJob(deps: CrawlerDeps, domain: string): Promise<string> {
  return insertTestJob(deps.svc.db, { domain, status: "pending" });
}
