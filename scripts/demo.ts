/**
 * `npm run demo`: generates a demo store, serves it locally, starts the whole stack in a
 * temporary data directory, analyses the store through the REST API and prints the result.
 * Needs no network. Exits 0 when the job completed.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { DEMO_DOMAIN, generateDemoStore } from "../shared/src/storefront/demo-store.ts";
import { startStorefront } from "../shared/src/storefront/server.ts";
import { analyze, progressLine, summarize } from "./lib/analyze.ts";
import { checkDownload } from "./lib/check-download.ts";
import { startLocalStack } from "./lib/local-stack.ts";

const store = await startStorefront({ store: generateDemoStore() });
const { stack, apiKey, dataDir } = await startLocalStack("demo", `${DEMO_DOMAIN}=${store.origin}`);
console.error(`demo store ${DEMO_DOMAIN} served at ${store.origin}; data in ${dataDir}`);

let exitCode = 1;
try {
  const result = await analyze({
    baseUrl: stack.gatewayUrl,
    apiKey,
    domain: DEMO_DOMAIN,
    onMessage: (message) => {
      const line = progressLine(message);
      if (line) console.error(line);
    },
  });
  console.log(summarize(stack.gatewayUrl, result, false));
  for (const key of Object.values(result.job.downloads ?? {})) {
    console.log(await checkDownload(stack.gatewayUrl, result.job.id, key));
  }
  exitCode = result.job.status === "completed" ? 0 : 1;
  console.log("The demo stack has stopped; `npm start` runs one that stays up.");
} catch (error) {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error(`service logs: ${join(dataDir, "logs")} (kept)`);
} finally {
  await stack.stop();
  await store.stop();
  if (exitCode === 0) rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
