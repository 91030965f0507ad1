/**
 * Benchmark (not a test): one job on a generated 100,000-product store through the whole
 * stack (four service processes, NATS, a libSQL file). The store serves 40 product sitemaps
 * of 2,500 URLs, caps `/products.json` at 25,000 products (page × limit), lists the rest in
 * one collection per product type, and leaves every 100th product out of every list so it is
 * found only through the sitemap and fetched one by one.
 * Prints one JSON object: job time, products per second, each service's peak RSS (VmHWM),
 * the storefront's (this process), and the job's coverage and outcome. The stack gets
 * `BENCH_ENV` (static HTML audit, the crawler's egress budget lifted to BENCH_EGRESS_RATE).
 *   bun bench/catalog-100k.ts            (BENCH_PRODUCTS=20000 for a shorter run)
 */
import { readFileSync, rmSync } from "node:fs";
import { analyze } from "../scripts/lib/analyze.ts";
import { startLocalStack } from "../scripts/lib/local-stack.ts";
import { generateDemoStore } from "../shared/src/storefront/demo-store.ts";
import { startStorefront } from "../shared/src/storefront/server.ts";
import { serviceNames } from "../shared/src/stack/supervisor.ts";
import { BENCH_ENV } from "./lib.ts";
import { stopOnInterrupt, unlessInterrupted } from "./interrupt.ts";

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const DOMAIN = "catalog-100k.bench.test";
/** Every n-th product is in no list, only in the sitemap. */
const SITEMAP_ONLY_EVERY = 100;

const model = generateDemoStore({ domain: DOMAIN, productCount: PRODUCTS, lazy: true });
const handles = model.collections.flatMap((c) =>
  c.handle === "frontpage" ? [] : c.productHandles,
);
const unlisted = handles.filter((_, i) => i % SITEMAP_ONLY_EVERY === SITEMAP_ONLY_EVERY - 1);
const store = await startStorefront({ store: model }, { catalog: { unlisted } });
const booting = startLocalStack("catalog-100k", `${DOMAIN}=${store.origin}`, BENCH_ENV);
const stop = async () => {
  const { stack, dataDir } = await booting;
  await stack.stop();
  await store.stop();
  rmSync(dataDir, { recursive: true, force: true });
};
const forget = stopOnInterrupt(stop);
const { stack, apiKey } = await unlessInterrupted(booting);

try {
  const result = await analyze({ baseUrl: stack.gatewayUrl, apiKey, domain: DOMAIN });
  const { job } = result;
  const steps = (job.steps ?? []) as Array<{ step: string; detail: Record<string, unknown> }>;
  const products = steps.find((s) => s.step === "indexing-products")?.detail ?? {};
  const servicePeaks = Object.fromEntries(
    serviceNames.map((name) => [name, peakRssMb(stack.supervisor.pid(name))]),
  );
  const report = {
    store_products: PRODUCTS,
    sitemap_only_products: unlisted.length,
    status: job.status,
    outcome: job.outcome ?? products.outcome ?? null,
    product_count: job.product_count,
    job_ms: result.elapsedMs,
    products_per_second: Math.round((job.product_count / result.elapsedMs) * 1000),
    peak_rss_mb: { ...servicePeaks, storefront_and_bench: peakRssMb(process.pid) },
    step_ms: Object.fromEntries(
      steps.map((s) => [s.step, (s as unknown as { duration_ms: number }).duration_ms]),
    ),
    coverage: products.coverage ?? null,
    by_source: products.by_source ?? null,
    error: job.error ?? null,
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  forget();
  await stop();
}

/** A process's peak resident memory (VmHWM) from /proc, in MB; null off Linux. */
function peakRssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(status.match(/^VmHWM:\s+(\d+) kB/m)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch {
    return null;
  }
}
