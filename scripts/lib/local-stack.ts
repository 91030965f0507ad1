import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiKey } from "../../services/gateway/src/auth/api-keys.ts";
import { openDb } from "../../shared/src/db/client.ts";
import { freePort } from "../../shared/src/nats/local-server.ts";
import { bootStack, type RunningStack } from "../../shared/src/stack/boot.ts";

/** A throwaway stack in a temporary data directory, with an API key to drive it. */
export interface LocalStack {
  stack: RunningStack;
  apiKey: string;
  dataDir: string;
}

/**
 * Starts its own NATS, database and the four services on free ports in a new temporary
 * directory (service logs in `<dataDir>/logs`), sending `storeOrigins` domains to local stores.
 * `extraEnv` adds or overrides settings (e.g. concurrency, rate limits) for every service.
 */
export async function startLocalStack(
  name: string,
  storeOrigins: string,
  extraEnv: Record<string, string> = {},
): Promise<LocalStack> {
  const dataDir = mkdtempSync(join(tmpdir(), `shopsniffer-${name}-`));
  const port = freePort();
  const stack = await bootStack({
    env: {
      ...process.env,
      NATS_URL: undefined,
      DATABASE_URL: undefined,
      DATA_DIR: dataDir,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      STORE_ORIGINS: storeOrigins,
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      ...extraEnv,
    },
    output: { dir: join(dataDir, "logs") },
  });
  const db = await openDb(String(stack.env.DATABASE_URL));
  const { key } = await createApiKey(db, name);
  db.close();
  return { stack, apiKey: key, dataDir };
}
