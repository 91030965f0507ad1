import { startHealthServer } from "@shopsniffer/shared/health-server";
import { runnerOptions, runStages } from "@shopsniffer/shared/nats/stage-runner";
import { bootService, onShutdown } from "@shopsniffer/shared/service";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { storeFetcherSettings } from "@shopsniffer/shared/store/fetch-settings";
import { crawlerConfigSchema } from "./config.ts";
import type { CrawlerDeps } from "./context.ts";
import { indexingStage } from "./indexing/stage.ts";
import { openPolitenessBucket, PolitenessGate } from "./politeness.ts";
import { sitemapStage } from "./sitemap/stage.ts";

const svc = await bootService("crawler", crawlerConfigSchema);
const politeness = await openPolitenessBucket(svc.js, svc.names.politenessBucket);
const fetchStore = createStoreFetcher({
  ...storeFetcherSettings(svc.config),
  gate: new PolitenessGate(politeness, svc.config, svc.log),
});
const deps: CrawlerDeps = { svc, fetchStore };
const stop = await runStages(
  svc,
  [sitemapStage(deps), indexingStage(deps)],
  runnerOptions(svc.config, svc.config.CRAWLER_JOB_CONCURRENCY),
);
const health = startHealthServer(svc);

onShutdown(async () => {
  await stop();
  await health?.stop();
  await svc.close();
});
