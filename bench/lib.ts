/** Shared pieces of the benchmarks: a timed storefront, stacks, memory readings, percentiles. */
import { readFileSync, rmSync } from "node:fs";
import { type LocalStack, startLocalStack } from "../scripts/lib/local-stack.ts";
import { generateDemoStore } from "../shared/src/storefront/demo-store.ts";
import { createStoreHandler } from "../shared/src/storefront/routes.ts";
import { stopOnInterrupt } from "./interrupt.ts";

/**
 * Settings every benchmark stack gets. The audit reads static HTML unless
 * BENCH_AUDIT_BROWSER=auto: a headless Chromium render per job would dominate every number.
 * The crawler's politeness budget for all stores together (CRAWLER_EGRESS_RATE, 10 requests/s
 * by default) is lifted to BENCH_EGRESS_RATE (1000), so the stores' own limits are measured.
 */
export const BENCH_ENV = {
  AUDIT_BROWSER: process.env.BENCH_AUDIT_BROWSER ?? "off",
  CRAWLER_EGRESS_RATE: process.env.BENCH_EGRESS_RATE ?? "1000",
};

/** A store whose every answer is timed, optionally slowed down or held to a request budget. */
export interface TimedStore {
  origin: string;
  /** Requests answered normally (not refused by the budget). */
  served: number;
  /** Requests refused with 429 because the budget was spent. */
  throttled: number;
  /** Milliseconds during which at least one request was being answered, from `since`. */
  busyMs(since?: number): number;
  stop(): Promise<void>;
}

export interface TimedStoreOptions {
  domain: string;
  products: number;
  /** Delay before every answer, as a store across the internet would add. */
  latencyMs?: number;
  /** Requests per second the store serves; more within a second get 429 Retry-After: 1. */
  budgetPerSecond?: number;
}

/** Serves a generated store and records when each request started and ended. */
export function startTimedStore(options: TimedStoreOptions): TimedStore {
  const handler = createStoreHandler(
    generateDemoStore({ domain: options.domain, productCount: options.products }),
  );
  const intervals: Array<[number, number]> = [];
  let second = 0;
  let usedThisSecond = 0;
  const state = { served: 0, throttled: 0 };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (request) => {
      const started = performance.now();
      if (options.budgetPerSecond !== undefined) {
        const now = Math.floor(Date.now() / 1000);
        if (now !== second) [second, usedThisSecond] = [now, 0];
        if (usedThisSecond >= options.budgetPerSecond) {
          state.throttled += 1;
          return new Response("Too Many Requests\n", {
            status: 429,
            headers: { "retry-after": "1" },
          });
        }
        usedThisSecond += 1;
      }
      if (options.latencyMs) await Bun.sleep(options.latencyMs);
      const response = await handler(request);
      const body = await response.arrayBuffer();
      intervals.push([started, performance.now()]);
      state.served += 1;
      return new Response(body, { status: response.status, headers: response.headers });
    },
  });
  return {
    origin: `http://127.0.0.1:${server.port}`,
    get served() {
      return state.served;
    },
    get throttled() {
      return state.throttled;
    },
    busyMs: (since = 0) => unionMs(intervals.filter(([start]) => start >= since)),
    stop: () => server.stop(true),
  };
}

/** Total length of the union of [start, end] intervals. */
function unionMs(intervals: Array<[number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [start, end] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const [s, e] of sorted) {
    if (s > end) {
      if (end > start) total += end - start;
      [start, end] = [s, e];
    } else end = Math.max(end, e);
  }
  if (end > start) total += end - start;
  return Math.round(total);
}

/** A process's resident memory from /proc in MB: `VmRSS` now, or `VmHWM` (peak). */
export function memoryMb(pid: number | undefined, field: "VmRSS" | "VmHWM" = "VmHWM") {
  if (pid === undefined) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"))?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch {
    return null;
  }
}

/** The value below which `p` (0..1) of `values` fall; values need not be sorted. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return Math.round((sorted[index] ?? 0) * 100) / 100;
}

/** Runs `count` calls of `fn` with at most `concurrency` in flight; resolves their results. */
export async function pool<T>(count: number, concurrency: number, fn: (i: number) => Promise<T>) {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/**
 * Runs `fn` on a fresh stack whose domains are served by their `stores` (bench settings plus
 * `env`); stops the stack and the stores afterwards, or on Ctrl-C.
 */
export async function withStack<T>(
  name: string,
  stores: Array<[string, TimedStore]>,
  fn: (local: LocalStack) => Promise<T>,
  env: Record<string, string> = {},
): Promise<T> {
  const origins = stores.map(([domain, store]) => `${domain}=${store.origin}`).join(",");
  const booting = startLocalStack(name, origins, { ...BENCH_ENV, ...env });
  const stop = async () => {
    const local = await booting;
    await local.stack.stop();
    await Promise.all(stores.map(([, store]) => store.stop()));
    rmSync(local.dataDir, { recursive: true, force: true });
  };
  const forget = stopOnInterrupt(stop);
  try {
    return await fn(await booting);
  } finally {
    forget();
    await stop();
  }
}
