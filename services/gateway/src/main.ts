import { startHealthServer } from "@shopsniffer/shared/health-server";
import { bootService, onShutdown } from "@shopsniffer/shared/service";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { storeFetcherSettings } from "@shopsniffer/shared/store/fetch-settings";
import { createApp } from "./app.ts";
import { gatewayConfigSchema } from "./config.ts";
import { startPendingSweeper } from "./pending-sweeper.ts";
import { storeChecker } from "./store-check.ts";
import { startPaymentReconciler } from "./x402/reconciler.ts";

const svc = await bootService("gateway", gatewayConfigSchema);
const fetchStore = createStoreFetcher(storeFetcherSettings(svc.config));
const checkStore = svc.config.STORE_CHECK_ON_CREATE
  ? storeChecker(fetchStore, svc.log)
  : async () => {};
const app = createApp({ svc, fetchStore, checkStore }).listen({
  hostname: svc.config.LISTEN_HOST,
  port: svc.config.PORT,
  // Elysia turns SO_REUSEPORT on by default: a second gateway would then share the port silently.
  reusePort: false,
});
svc.log.info({ port: app.server?.port, publicUrl: svc.config.PUBLIC_URL }, "gateway listening");
const health = startHealthServer(svc);
const reconciler = startPaymentReconciler({ svc, fetchStore, checkStore });
const sweeper = startPendingSweeper(svc, {
  everyMs: svc.config.JOB_PENDING_SWEEP_MS,
  afterMs: svc.config.JOB_PENDING_REQUEUE_AFTER_MS,
});

onShutdown(async () => {
  // Closes open progress sockets too; clients reconnect to another replica or after restart.
  await app.stop(true);
  await reconciler.stop();
  await sweeper.stop();
  await health?.stop();
  await svc.close();
});
