/**
 * ShopSniffer command line.
 *   keys create --name NAME [--user ID]
 *                                  create an API key (the key is the last line printed)
 *   analyze <domain> [--url URL] [--key KEY] [--webhook-url URL]
 *                                  run a job through the REST API with a live progress bar
 */
import { parseArgs } from "node:util";
import { createApiKey } from "../services/gateway/src/auth/api-keys.ts";
import { baseConfigSchema, loadConfig } from "../shared/src/config.ts";
import { migrateDb, openDb } from "../shared/src/db/client.ts";
import { analyze, progressLine, summarize } from "./lib/analyze.ts";

const USAGE = `usage:
  npm run cli -- keys create --name NAME [--user ID]
      Create an API key (for user ID, if given); the key is the last line.
  npm run cli -- analyze <domain> [--url URL] [--key KEY] [--webhook-url URL]
      Analyse a store through the API (default URL http://localhost:$PORT, key from
      SHOPSNIFFER_API_KEY), with a live progress bar.`;

const { positionals, values } = readArgs();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const [command, sub] = positionals;
if (command === "keys" && sub === "create") {
  process.exit(await createKey(values.name));
} else if (command === "analyze" && sub) {
  process.exit(await runAnalyze(sub));
} else {
  console.error(USAGE);
  process.exit(2);
}

function readArgs() {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: {
        name: { type: "string" },
        user: { type: "string" },
        url: { type: "string" },
        key: { type: "string" },
        "webhook-url": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
}

async function createKey(name: string | undefined): Promise<number> {
  if (!name?.trim()) {
    console.error("keys create needs --name NAME");
    return 2;
  }
  const config = loadConfig(baseConfigSchema);
  const db = await openDb(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  await migrateDb(db);
  const created = await createApiKey(db, name.trim(), values.user?.trim() || null);
  db.close();
  console.log(
    `Created API key ${created.id} (${created.name}). Store it now; it is not shown again:`,
  );
  console.log(created.key);
  return 0;
}

async function runAnalyze(domain: string): Promise<number> {
  const config = loadConfig(baseConfigSchema);
  const baseUrl = (
    values.url ??
    process.env.SHOPSNIFFER_URL ??
    `http://localhost:${config.PORT}`
  ).replace(/\/+$/, "");
  const apiKey = values.key ?? process.env.SHOPSNIFFER_API_KEY;
  if (!apiKey) {
    console.error("analyze needs an API key: --key KEY or SHOPSNIFFER_API_KEY");
    return 2;
  }
  try {
    const result = await analyze({
      baseUrl,
      apiKey,
      domain,
      webhookUrl: values["webhook-url"],
      onCreated: (id) => console.error(`Job ${id} created; following its progress…`),
      onMessage: renderProgress,
    });
    process.stderr.write("\n");
    console.log(summarize(baseUrl, result));
    return result.job.status === "completed" ? 0 : 1;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

function renderProgress(message: Record<string, unknown> & { type: string }) {
  const line = progressLine(message);
  if (line) process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
}
