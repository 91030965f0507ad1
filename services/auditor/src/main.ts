import { startHealthServer } from "@shopsniffer/shared/health-server";
import { bootService, onShutdown } from "@shopsniffer/shared/service";
import { runnerOptions, runStages } from "@shopsniffer/shared/nats/stage-runner";
import { openStorage } from "@shopsniffer/shared/storage/open-storage";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { storeFetcherSettings } from "@shopsniffer/shared/store/fetch-settings";
import { auditStage } from "./audit/stage.ts";
import { technologyData } from "./audit/tech-data.ts";
import { createBrowserHost } from "./browser/browser-host.ts";
import { auditorConfigSchema } from "./config.ts";
import { createPagespeedProvider } from "./pagespeed/provider.ts";
import { pagespeedStage } from "./pagespeed/stage.ts";

const svc = await bootService("auditor", auditorConfigSchema);
const { config } = svc;
const fetchStore = createStoreFetcher(storeFetcherSettings(config));
const provider = createPagespeedProvider(config);
const browser = createBrowserHost({
  mode: config.AUDIT_BROWSER,
  executablePath: config.CHROMIUM_PATH,
  log: svc.log,
});
const audit = auditStage(svc, { fetchStore, browser, storage: openStorage(config) });
// Compiled now rather than in the first audit (a second or two of CPU).
const fingerprints = technologyData();

const stop = await runStages(
  svc,
  [audit, pagespeedStage(svc, provider, fetchStore)],
  runnerOptions(config, config.AUDITOR_CONCURRENCY),
);
svc.log.info(
  { pagespeedProvider: provider.name, technologies: fingerprints.technologies.length },
  "auditor started",
);
const health = startHealthServer(svc);

onShutdown(async () => {
  await stop();
  await browser.close();
  await health?.stop();
  await svc.close();
});
