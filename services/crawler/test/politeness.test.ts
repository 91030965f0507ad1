import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ProgressReporter } from "@shopsniffer/shared/jobs/progress";
import { getJob } from "@shopsniffer/shared/jobs/state";
import type { StageRun } from "@shopsniffer/shared/nats/stage-runner";
import { bootService, type ServiceContext } from "@shopsniffer/shared/service";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { faultInterceptor } from "@shopsniffer/shared/storefront/faults";
import { type LoggedRequest, requestLog } from "@shopsniffer/shared/storefront/safety-modes";
import { crawlerConfigSchema } from "../src/config.ts";
import type { CrawlerConfig, CrawlerDeps } from "../src/context.ts";
import { runIndexingStage } from "../src/indexing/stage.ts";
import { openPolitenessBucket, PolitenessGate } from "../src/politeness.ts";
import { runSitemapStage } from "../src/sitemap/stage.ts";
import { type Harness, startHarness } from "./harness.ts";
import { jobCounts } from "./rows.ts";

/** Requests per second the two crawler runtimes share. */
const RATE = 10;
const DOMAINS = ["first.shopsniffer.test", "second.shopsniffer.test"];
const store = generateDemoStore({ productCount: 60, seed: 6, domain: DOMAINS[0] });
/** A block a test switches on; it answers before the store for every host. */
let block: ((request: Request) => Response | undefined) | null = null;
const log = requestLog((request) => block?.(request));
let h: Harness;
const runtimes: Array<{ svc: ServiceContext<CrawlerConfig>; deps: CrawlerDeps }> = [];

const env = {
  CRAWLER_EGRESS_RATE: String(RATE),
  CRAWLER_BLOCK_PAUSE_MS: "800",
  CRAWLER_MAX_RETRY_AFTER_MS: "5000",
};

/** A crawler runtime of its own: its own NATS connection, KV handle, gate and fetcher. */
async function startRuntime() {
  const svc = await bootService("crawler", crawlerConfigSchema, { ...h.world.env, ...env });
  const kv = await openPolitenessBucket(svc.js, svc.names.politenessBucket);
  const gate = new PolitenessGate(kv, svc.config, svc.log);
  const origins = new Map(DOMAINS.map((domain) => [domain, h.storefront.origin]));
  const fetchStore = createStoreFetcher({ origins, timeoutMs: 10_000, gate });
  const runtime = { svc, gate, deps: { svc, fetchStore } };
  runtimes.push(runtime);
  return runtime;
}

beforeAll(async () => {
  h = await startHarness({ store }, DOMAINS[0] ?? "", { intercept: log.intercept }, env);
});
afterAll(async () => {
  for (const { svc } of runtimes) await svc.close();
  await h?.stop();
});

async function stageRun(svc: ServiceContext, jobId: string, stage: StageRun["stage"]) {
  const job = await getJob(svc.db, jobId);
  if (!job) throw new Error(`job ${jobId} missing`);
  const progress = new ProgressReporter(svc.js, svc.names, svc.db);
  const step = stage === "sitemap" ? "sitemap" : "indexing-products";
  const signal = new AbortController().signal;
  const run: StageRun = { job, stage, attempt: 1, log: svc.log, progress, step, signal };
  return run;
}

async function crawl(deps: CrawlerDeps, domain: string): Promise<string> {
  const jobId = await h.createJob(domain);
  await runSitemapStage(deps, await stageRun(deps.svc, jobId, "sitemap"));
  await runIndexingStage(deps, await stageRun(deps.svc, jobId, "indexing"));
  return jobId;
}

/** The most requests the storefront saw in any window of `windowMs`. */
function busiestWindow(entries: readonly LoggedRequest[], windowMs: number): number {
  const times = entries.map((entry) => entry.atMs).sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe("one politeness budget for every crawler runtime", () => {
  test("two runtimes crawling two stores at once stay within the shared rate", async () => {
    const [one, two] = [await startRuntime(), await startRuntime()];
    log.entries.length = 0;
    const [first, second] = await Promise.all([
      crawl(one.deps, DOMAINS[0] ?? ""),
      crawl(two.deps, DOMAINS[1] ?? ""),
    ]);
    expect((await jobCounts(h.deps.svc.db, first)).products).toBe(60);
    expect((await jobCounts(h.deps.svc.db, second)).products).toBe(60);
    const hosts = new Set(log.entries.map((entry) => entry.host));
    expect(hosts).toEqual(new Set(DOMAINS));
    const entries = log.entries;
    expect(entries.length).toBeGreaterThan(2 * RATE);
    // Slot times are exact; arrival adds a little jitter, hence the slack of two.
    expect(busiestWindow(entries, 1_000)).toBeLessThanOrEqual(RATE + 2);
    const spanMs = (entries.at(-1)?.atMs ?? 0) - (entries[0]?.atMs ?? 0);
    console.info(`${entries.length} requests in ${Math.round(spanMs)} ms`);
    expect((entries.length - 1) / (spanMs / 1_000)).toBeLessThanOrEqual(RATE * 1.05);
  }, 60_000);

  test("concurrent requests of two runtimes get slots a rate interval apart", async () => {
    const [one, two] = [await startRuntime(), await startRuntime()];
    const started = performance.now();
    const url = new URL(`https://${DOMAINS[0]}/products.json`);
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        await (i % 2 === 0 ? one : two).gate.beforeRequest(url);
        done.push(performance.now() - started);
      }),
    );
    // 20 requests at RATE per second: the last leaves 19 intervals after the first.
    expect(Math.max(...done)).toBeGreaterThanOrEqual(19 * (1_000 / RATE) - 60);
  }, 30_000);

  test("a block seen by one runtime pauses the other one's requests", async () => {
    const [one, two] = [await startRuntime(), await startRuntime()];
    await one.gate.onBlocked(new URL(`https://${DOMAINS[0]}/products.json`), "HTTP 430");
    const started = performance.now();
    await two.gate.beforeRequest(new URL(`https://${DOMAINS[1]}/products.json`));
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
  });

  test("a Retry-After seen by one runtime holds the other on that store only", async () => {
    const [one, two] = [await startRuntime(), await startRuntime()];
    const throttled = new Response(null, { status: 429, headers: { "retry-after": "0.7" } });
    await one.gate.afterResponse(new URL(`https://${DOMAINS[0]}/products.json`), throttled);
    let started = performance.now();
    await two.gate.beforeRequest(new URL(`https://${DOMAINS[1]}/meta.json`));
    expect(performance.now() - started).toBeLessThan(400);
    started = performance.now();
    await two.gate.beforeRequest(new URL(`https://${DOMAINS[0]}/meta.json`));
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
  });

  test("a Retry-After longer than the cap holds other jobs for the cap only", async () => {
    const one = await startRuntime();
    const kv = await openPolitenessBucket(one.svc.js, one.svc.names.politenessBucket);
    const waits: number[] = [];
    const recording = new PolitenessGate(kv, one.svc.config, one.svc.log, async (ms) => {
      waits.push(ms);
    });
    const url = new URL(`https://${DOMAINS[1]}/products.json`);
    const throttled = new Response(null, { status: 429, headers: { "retry-after": "3600" } });
    await one.gate.afterResponse(url, throttled);
    await recording.beforeRequest(url);
    const hold = waits[0] ?? 0;
    expect(hold).toBeGreaterThan(4_000);
    expect(hold).toBeLessThanOrEqual(5_000);
  });

  test("a block page over every store stops both runtimes until it lapses", async () => {
    const [one, two] = [await startRuntime(), await startRuntime()];
    // Shorter than CRAWLER_BLOCK_PAUSE_MS (800): a runtime that honours the pause never sees it.
    block = faultInterceptor([{ kind: "security-rejection", forMs: 500 }]);
    try {
      const blockedJob = await h.createJob(DOMAINS[0]);
      const run = await stageRun(one.svc, blockedJob, "sitemap");
      await expect(runSitemapStage(one.deps, run)).rejects.toThrow("Blocked by the store");
      const blockedAt = log.entries.at(-1)?.atMs ?? 0;
      const jobId = await crawl(two.deps, DOMAINS[1] ?? "");
      const during = log.entries.filter((e) => e.atMs > blockedAt && e.atMs < blockedAt + 600);
      expect(during).toEqual([]);
      expect((await jobCounts(two.svc.db, jobId)).products).toBe(60);
    } finally {
      block = null;
    }
  }, 30_000);
});
