import { bootService, onShutdown } from "@shopsniffer/shared/service";
import { runnerOptions, runStages } from "@shopsniffer/shared/nats/stage-runner";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { auditStage } from "./audit/stage.ts";
import { auditorConfigSchema } from "./config.ts";
import { createPagespeedProvider } from "./pagespeed/provider.ts";
import { pagespeedStage } from "./pagespeed/stage.ts";

const svc = await bootService("auditor", auditorConfigSchema);
const { config } = svc;
const fetchStore = createStoreFetcher({
  origins: config.STORE_ORIGINS,
  timeoutMs: config.STORE_FETCH_TIMEOUT_MS,
});
const provider = createPagespeedProvider(config);

const stop = await runStages(
  svc,
  [auditStage(svc, fetchStore), pagespeedStage(svc, provider)],
  runnerOptions(config, config.AUDITOR_CONCURRENCY),
);
svc.log.info({ pagespeedProvider: provider.name }, "auditor started");

onShutdown(async () => {
  await stop();
  await svc.close();
});
