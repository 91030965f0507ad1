import { startHealthServer } from "@shopsniffer/shared/health-server";
import { runnerOptions, runStages } from "@shopsniffer/shared/nats/stage-runner";
import { bootService, onShutdown } from "@shopsniffer/shared/service";
import { exporterConfigSchema } from "./config.ts";
import { startDeliveryWorker } from "./delivery/worker.ts";
import { startFileCleanup } from "./export/cleanup.ts";
import { exportStage } from "./export/stage.ts";
import { insightsStage } from "./insights/stage.ts";
import { notifyStage } from "./notify/stage.ts";

const svc = await bootService("exporter", exporterConfigSchema);
const { config } = svc;

const stopStages = await runStages(
  svc,
  [insightsStage(svc), exportStage(svc), notifyStage(svc)],
  runnerOptions(config, config.EXPORTER_CONCURRENCY),
);
const stopDelivery = await startDeliveryWorker(svc);
const stopCleanup = startFileCleanup(svc);
svc.log.info({ publicUrl: config.PUBLIC_URL }, "exporter started");
const health = startHealthServer(svc);

onShutdown(async () => {
  await Promise.all([stopStages(), stopDelivery(), stopCleanup(), health?.stop()]);
  await svc.close();
});
