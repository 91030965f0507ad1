/**
 * `npm run bench`: the six benchmarks, each printing one JSON object as it finishes.
 *   npm run bench                       all six, in order
 *   npm run bench -- --only ws,status   some of them: demo, budget, catalog, ws, status, jobs
 * Sizes: BENCH_WS_SUBSCRIBERS (5000), BENCH_CONCURRENT_JOBS (200), BENCH_DEMO_RUNS (3),
 * BENCH_PRODUCTS for the catalog benchmark (100000). See docs/PERFORMANCE.md.
 */
// Ctrl-C or SIGTERM stops the stack the running benchmark started, then exits 130 or 143.
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { wsFanOut, statusThroughput } from "./gateway.ts";
import { stopOnInterrupt, unlessInterrupted } from "./interrupt.ts";
import { concurrentJobs, demoJob, rateLimitedCrawl } from "./jobs.ts";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const benchmarks: Record<string, () => Promise<unknown>> = {
  demo: () => demoJob(env("BENCH_DEMO_RUNS", 3)),
  budget: () => rateLimitedCrawl(4),
  catalog: catalog100k,
  ws: () => wsFanOut(env("BENCH_WS_SUBSCRIBERS", 5_000)),
  status: () => statusThroughput(),
  jobs: () => concurrentJobs(env("BENCH_CONCURRENT_JOBS", 200)),
};

/** 3. The 100,000-product store: its own script, run as a child; its JSON is passed on. */
async function catalog100k() {
  const script = join(import.meta.dir, "catalog-100k.ts");
  if (!existsSync(script)) return { skipped: "bench/catalog-100k.ts is not there yet" };
  // Its own process group: a terminal's Ctrl-C reaches it once, as the SIGTERM sent below.
  const proc = Bun.spawn([process.execPath, script], {
    stdout: "pipe",
    stderr: "inherit",
    detached: true,
  });
  // The child stops its own stack on SIGTERM.
  const forget = stopOnInterrupt(() => {
    proc.kill("SIGTERM");
    return proc.exited;
  });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  forget();
  if (code !== 0) return { failed: `bench/catalog-100k.ts exited ${code}`, output: out };
  return JSON.parse(out);
}

const selected = selection(process.argv.slice(2));
console.log(
  JSON.stringify({
    machine: { cpus: cpus().length, model: cpus()[0]?.model, bun: Bun.version },
    benchmarks: selected,
  }),
);
for (const name of selected) {
  const started = performance.now();
  const result = await unlessInterrupted(Promise.resolve(benchmarks[name]?.()));
  const wallMs = Math.round(performance.now() - started);
  console.log(JSON.stringify({ benchmark: name, wall_ms: wallMs, result }, null, 2));
}

function selection(args: string[]): string[] {
  const at = args.indexOf("--only");
  const inline = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);
  const list = inline ?? (at >= 0 ? args[at + 1] : undefined);
  if (!list) return Object.keys(benchmarks);
  const names = list.split(",").map((n) => n.trim());
  const unknown = names.filter((n) => !(n in benchmarks));
  if (unknown.length > 0) {
    console.error(
      `unknown benchmark ${unknown.join(", ")}; choose from ${Object.keys(benchmarks)}`,
    );
    process.exit(2);
  }
  return names;
}
