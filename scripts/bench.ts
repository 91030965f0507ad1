/**
 * `npm run bench`: end-to-end job times on local stores, printed as numbers.
 *   - the demo store (60 generated products)
 *   - the 30-product real products.json list (../shared/fixtures/real, if present)
 *   - generated stores of 1,000 and 5,000 products
 * Each job runs through the whole stack (four service processes, NATS, libSQL file); at the
 * end it prints each service's peak resident memory.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DEMO_DOMAIN, generateDemoStore } from "../shared/src/storefront/demo-store.ts";
import { loadFixtureStore } from "../shared/src/storefront/fixture-store.ts";
import { type RunningStorefront, startStorefront } from "../shared/src/storefront/server.ts";
import { REAL_FIXTURES } from "../shared/src/testing/env.ts";
import { analyze } from "./lib/analyze.ts";
import { startLocalStack } from "./lib/local-stack.ts";
import { serviceNames } from "../shared/src/stack/supervisor.ts";

interface Case {
  name: string;
  domain: string;
  store: RunningStorefront;
}

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const cases: Case[] = [
  {
    name: "demo store (60 products)",
    domain: DEMO_DOMAIN,
    store: await demoStore(DEMO_DOMAIN, 60),
  },
  {
    name: "generated 1,000 products",
    domain: "k1.bench.test",
    store: await demoStore("k1.bench.test", 1_000),
  },
  {
    name: "generated 5,000 products",
    domain: "k5.bench.test",
    store: await demoStore("k5.bench.test", 5_000),
  },
];
if (existsSync(join(REAL_FIXTURES, "mylubie/products-array.json"))) {
  const fixture = loadFixtureStore({
    roots: [join(REAL_FIXTURES, "purecane")],
    productsArrayFile: join(REAL_FIXTURES, "mylubie/products-array.json"),
  });
  cases.splice(1, 0, {
    name: "real list (30 products)",
    domain: "purecane.com",
    store: await startStorefront({ fixture }),
  });
}

const origins = cases.map((c) => `${c.domain}=${c.store.origin}`).join(",");
const { stack, apiKey, dataDir } = await startLocalStack("bench", origins);

try {
  console.log(`case\truns\tproducts\tmin ms\tmedian ms\tmax ms\tproducts/s (median)`);
  for (const c of cases) {
    const times: number[] = [];
    let products = 0;
    for (let i = 0; i < RUNS; i++) {
      const result = await analyze({ baseUrl: stack.gatewayUrl, apiKey, domain: c.domain });
      if (result.job.status !== "completed") throw new Error(`${c.name}: ${result.job.status}`);
      times.push(result.elapsedMs);
      products = result.job.product_count;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    const rate = Math.round((products / median) * 1000);
    console.log(
      `${c.name}\t${RUNS}\t${products}\t${times[0]}\t${median}\t${times.at(-1)}\t${rate}`,
    );
  }
  console.log("\nservice\tpeak RSS MB (whole run)");
  for (const name of serviceNames) {
    console.log(`${name}\t${peakRssMb(stack.supervisor.pid(name))}`);
  }
} finally {
  await stack.stop();
  await Promise.all(cases.map((c) => c.store.stop()));
  rmSync(dataDir, { recursive: true, force: true });
}

/** A process's peak resident memory (VmHWM) from /proc, in MB; "n/a" off Linux. */
function peakRssMb(pid: number | undefined): string {
  if (pid === undefined) return "n/a";
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(status.match(/^VmHWM:\s+(\d+) kB/m)?.[1]);
    return Number.isFinite(kb) ? (kb / 1024).toFixed(0) : "n/a";
  } catch {
    return "n/a";
  }
}

function demoStore(domain: string, productCount: number) {
  return startStorefront({ store: generateDemoStore({ domain, productCount }) });
}
