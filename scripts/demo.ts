/**
 * `npm run demo`: generates a demo store, serves it locally, starts the whole stack in a
 * temporary data directory, analyses the store through the REST API and prints the result.
 * Needs no network. Exits 0 when the job completed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiKey } from "../services/gateway/src/auth/api-keys.ts";
import { openDb } from "../shared/src/db/client.ts";
import { freePort } from "../shared/src/nats/local-server.ts";
import { bootStack } from "../shared/src/stack/boot.ts";
import { DEMO_DOMAIN, generateDemoStore } from "../shared/src/storefront/demo-store.ts";
import { startStorefront } from "../shared/src/storefront/server.ts";
import { analyze, progressLine, summarize } from "./lib/analyze.ts";
import { checkDownload } from "./lib/check-download.ts";

const dataDir = mkdtempSync(join(tmpdir(), "shopsniffer-demo-"));
const store = await startStorefront({ store: generateDemoStore() });
const port = freePort();
console.error(`demo store ${DEMO_DOMAIN} served at ${store.origin}; data in ${dataDir}`);

const stack = await bootStack({
  env: {
    ...process.env,
    NATS_URL: undefined,
    DATABASE_URL: undefined,
    DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    STORE_ORIGINS: `${DEMO_DOMAIN}=${store.origin}`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  },
  output: { dir: join(dataDir, "logs") },
});

let exitCode = 1;
try {
  const db = await openDb(String(stack.env.DATABASE_URL));
  const { key } = await createApiKey(db, "demo");
  db.close();
  const result = await analyze({
    baseUrl: stack.gatewayUrl,
    apiKey: key,
    domain: DEMO_DOMAIN,
    onMessage: (message) => {
      const line = progressLine(message);
      if (line) console.error(line);
    },
  });
  console.log(summarize(stack.gatewayUrl, result, false));
  exitCode = result.job.status === "completed" ? 0 : 1;
  for (const key of Object.values(result.job.downloads ?? {})) {
    console.log(await checkDownload(stack.gatewayUrl, result.job.id, key));
  }
  console.log("The demo stack has stopped; `npm start` runs one that stays up.");
} catch (error) {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error(`service logs: ${join(dataDir, "logs")}`);
} finally {
  await stack.stop();
  await store.stop();
  if (exitCode === 0) rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
