import { bootService, type ServiceContext } from "@shopsniffer/shared/service";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { createTestWorld, type TestWorld } from "@shopsniffer/shared/testing/env";
import { createApp } from "../src/app.ts";
import { createApiKey } from "../src/auth/api-keys.ts";
import { type GatewayConfig, gatewayConfigSchema } from "../src/config.ts";
import { storeChecker } from "../src/store-check.ts";

/** An in-process gateway on a real NATS server and a fresh database, plus an API key. */
export interface GatewayHarness {
  world: TestWorld;
  svc: ServiceContext<GatewayConfig>;
  app: ReturnType<typeof createApp>;
  apiKey: string;
  request(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export async function startGateway(env: Record<string, string> = {}): Promise<GatewayHarness> {
  const world = await createTestWorld(env);
  const svc = await bootService("gateway", gatewayConfigSchema, world.env);
  const fetchStore = createStoreFetcher({ origins: svc.config.STORE_ORIGINS, timeoutMs: 5_000 });
  const app = createApp({ svc, fetchStore, checkStore: storeChecker(fetchStore) });
  const { key } = await createApiKey(svc.db, "test");
  return {
    world,
    svc,
    app,
    apiKey: key,
    request: (path, init) => app.handle(new Request(`http://gateway.test${path}`, init)),
    async stop() {
      await svc.close();
      await world.stop();
    },
  };
}

/** A JSON POST with the harness's API key. */
export function postJson(body: unknown, apiKey?: string): RequestInit {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (apiKey) headers["x-api-key"] = apiKey;
  return {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}
