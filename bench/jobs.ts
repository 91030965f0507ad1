/**
 * Benchmarks 1, 2 and 6: whole jobs through the stack (four service processes, NATS, a libSQL
 * file) against stores served by this process, which times every store answer.
 */
import { analyze } from "../scripts/lib/analyze.ts";
import { DEMO_DOMAIN } from "../shared/src/storefront/demo-store.ts";
import { startTimedStore, type TimedStore, withStack } from "./lib.ts";

/**
 * 1. The demo job (60 products) with 50 ms added to every store answer, as a nearby store
 * would: its time, and the share not spent waiting on the store (pipeline overhead).
 */
export async function demoJob(runs = 3) {
  const store = startTimedStore({ domain: DEMO_DOMAIN, products: 60, latencyMs: 50 });
  return withStack("bench-demo", [[DEMO_DOMAIN, store]], async ({ stack, apiKey }) => {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      const since = performance.now();
      const result = await analyze({ baseUrl: stack.gatewayUrl, apiKey, domain: DEMO_DOMAIN });
      const storeMs = store.busyMs(since);
      samples.push({
        status: result.job.status,
        job_ms: result.elapsedMs,
        store_wait_ms: storeMs,
        overhead_share: round(1 - storeMs / result.elapsedMs),
      });
    }
    return { store_products: 60, store_latency_ms: 50, runs: samples };
  });
}

/**
 * 2. A 1,000-product store that serves 4 requests a second and answers 429 Retry-After: 1
 * past that: job time against the least time the budget allows for the requests it served.
 */
export async function rateLimitedCrawl(budgetPerSecond = 4) {
  const domain = "budget.bench.test";
  const store = startTimedStore({ domain, products: 1_000, budgetPerSecond });
  return withStack("bench-budget", [[domain, store]], async ({ stack, apiKey }) => {
    const result = await analyze({ baseUrl: stack.gatewayUrl, apiKey, domain });
    const minimumMs = Math.round((store.served / budgetPerSecond) * 1000);
    return {
      status: result.job.status,
      product_count: result.job.product_count,
      budget_per_second: budgetPerSecond,
      requests_served: store.served,
      requests_refused_429: store.throttled,
      job_ms: result.elapsedMs,
      minimum_ms: minimumMs,
      efficiency: round(minimumMs / result.elapsedMs),
    };
  });
}

/** 6. `count` jobs at once on ten 20-product stores: total time and failures. */
export async function concurrentJobs(count = 200) {
  const stores = Array.from({ length: 10 }, (_, i): [string, TimedStore] => {
    const domain = `small-${i}.bench.test`;
    return [domain, startTimedStore({ domain, products: 20 })];
  });
  const env = { RATE_LIMIT_ENABLED: "false" };
  return withStack(
    "bench-concurrent",
    stores,
    async ({ stack, apiKey }) => {
      const started = performance.now();
      const results = await Promise.allSettled(
        Array.from({ length: count }, (_, i) =>
          analyze({ baseUrl: stack.gatewayUrl, apiKey, domain: stores[i % 10]?.[0] ?? "" }),
        ),
      );
      const statuses: Record<string, number> = {};
      const times: number[] = [];
      for (const result of results) {
        const status = result.status === "fulfilled" ? result.value.job.status : "refused";
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (result.status === "fulfilled") times.push(result.value.elapsedMs);
      }
      return {
        jobs: count,
        total_ms: Math.round(performance.now() - started),
        statuses,
        failures: count - (statuses.completed ?? 0),
        slowest_job_ms: Math.max(0, ...times),
      };
    },
    env,
  );
}

const round = (n: number) => Math.round(n * 1000) / 1000;
