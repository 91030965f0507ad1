/**
 * Runs a local storefront from the command line and prints its origin.
 *
 *   bun shared/src/storefront/cli.ts --demo [--port 4100] [--products 60] [--seed 1]
 *   bun shared/src/storefront/cli.ts --fixture-root DIR [--fixture-root DIR2]
 *     [--products-array FILE] [--port 4100]
 *
 * Common flags: --hostname (default 127.0.0.1), --latency-ms, --sitemap-chunk-size, --domain.
 */

import { parseArgs } from "node:util";
import { generateDemoStore } from "./demo-store.ts";
import { loadFixtureStore } from "./fixture-store.ts";
import { type StorefrontSource, startStorefront } from "./server.ts";

const USAGE =
  "usage: cli.ts --demo [--products N] [--seed N] [--domain D] | " +
  "--fixture-root DIR... [--products-array FILE] [--port N] [--latency-ms N]";

function readArgs() {
  return parseArgs({
    args: Bun.argv.slice(2),
    options: {
      demo: { type: "boolean", default: false },
      port: { type: "string", default: "0" },
      hostname: { type: "string", default: "127.0.0.1" },
      products: { type: "string" },
      seed: { type: "string" },
      domain: { type: "string" },
      "fixture-root": { type: "string", multiple: true },
      "products-array": { type: "string" },
      "latency-ms": { type: "string" },
      "sitemap-chunk-size": { type: "string" },
    },
  }).values;
}

type CliValues = ReturnType<typeof readArgs>;

function numberOrUndefined(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${flag} must be an integer ≥ 0`);
  return value;
}

function sourceFrom(values: CliValues): StorefrontSource {
  const roots = values["fixture-root"] ?? [];
  if (values.demo === roots.length > 0) throw new Error(USAGE);
  if (roots.length > 0) {
    return { fixture: loadFixtureStore({ roots, productsArrayFile: values["products-array"] }) };
  }
  const store = generateDemoStore({
    productCount: numberOrUndefined(values.products, "products"),
    seed: numberOrUndefined(values.seed, "seed"),
    domain: values.domain,
  });
  return { store };
}

async function main(): Promise<void> {
  const values = readArgs();
  const running = await startStorefront(sourceFrom(values), {
    port: numberOrUndefined(values.port, "port"),
    hostname: values.hostname,
    latencyMs: numberOrUndefined(values["latency-ms"], "latency-ms"),
    sitemapChunkSize: numberOrUndefined(values["sitemap-chunk-size"], "sitemap-chunk-size"),
  });
  console.log(running.origin);
  const shutdown = () => void running.stop().then(() => process.exit(0));
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
});
