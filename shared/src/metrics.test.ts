import { afterAll, beforeAll, expect, test } from "bun:test";
import { baseConfigSchema } from "./config.ts";
import { jobs } from "./db/schema.ts";
import { AppError } from "./errors.ts";
import { getJob } from "./jobs/state.ts";
import { registry } from "./metrics.ts";
import { publishStage, runStages } from "./nats/stage-runner.ts";
import { bootService, type ServiceContext } from "./service.ts";
import { createTestWorld, type TestWorld } from "./testing/env.ts";
import { isoNow } from "./time.ts";

// The stage runner records through shared/src/metrics.ts; this runs real stages on NATS and
// reads the registry. "notify" is the last stage, so its success completes the job.
let world: TestWorld;
let svc: ServiceContext;
let stop: () => Promise<void>;

async function handle(run: { job: { domain: string }; attempt: number }) {
  if (run.job.domain === "flaky.test" && run.attempt < 3) throw new Error("flaky store");
  if (run.job.domain === "fatal.test") throw new AppError("upstream_failed", "no sitemap");
}

beforeAll(async () => {
  world = await createTestWorld({ NATS_PREFIX: "metricstest" });
  svc = await bootService("metrics-test", baseConfigSchema, world.env);
  stop = await runStages(svc, [{ stage: "notify", firstStep: "notify-callbacks", handle }], {
    ackWaitMs: 5_000,
    maxAttempts: 4,
    backoffMs: [50],
    concurrency: 2,
  });
});

afterAll(async () => {
  await stop?.();
  await svc?.close();
  await world?.stop();
});

async function value(name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as Array<{
    value: number;
    labels: Record<string, unknown>;
    metricName?: string;
  }>;
  const match = values.find(
    (v) =>
      (v.metricName ?? name) === (name.endsWith("_seconds") ? `${name}_count` : name) &&
      Object.entries(labels).every(([key, wanted]) => v.labels[key] === wanted),
  );
  return match?.value ?? 0;
}

async function runJob(domain: string): Promise<string> {
  const id = crypto.randomUUID();
  const now = isoNow();
  await svc.db.write((db) =>
    db
      .insert(jobs)
      .values({ id, domain, slug: domain, status: "processing", createdAt: now, updatedAt: now }),
  );
  await publishStage(svc, id, "notify");
  return id;
}

async function settled(id: string, counted: () => Promise<boolean>) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await counted()) return;
    await Bun.sleep(25);
  }
  throw new Error(`job ${id}: ${JSON.stringify(await getJob(svc.db, id))}`);
}

const DURATION = "shopsniffer_stage_duration_seconds";

test("retries, failed attempts and the completed job are counted", async () => {
  const before = {
    retries: await value("shopsniffer_stage_retries_total", { stage: "notify" }),
    errors: await value(DURATION, { stage: "notify", outcome: "error" }),
    oks: await value(DURATION, { stage: "notify", outcome: "ok" }),
    completed: await value("shopsniffer_jobs_total", { outcome: "completed" }),
  };
  const id = await runJob("flaky.test");
  const ok = () => value(DURATION, { stage: "notify", outcome: "ok" });
  await settled(id, async () => (await ok()) > before.oks);
  expect(await value("shopsniffer_stage_retries_total", { stage: "notify" })).toBe(
    before.retries + 2,
  );
  expect(await value(DURATION, { stage: "notify", outcome: "error" })).toBe(before.errors + 2);
  expect(await value(DURATION, { stage: "notify", outcome: "ok" })).toBe(before.oks + 1);
  expect(await value("shopsniffer_jobs_total", { outcome: "completed" })).toBe(
    before.completed + 1,
  );
});

test("a job given up on counts as errored, not completed", async () => {
  const completed = await value("shopsniffer_jobs_total", { outcome: "completed" });
  const errored = await value("shopsniffer_jobs_total", { outcome: "errored" });
  const id = await runJob("fatal.test");
  await settled(
    id,
    async () => (await value("shopsniffer_jobs_total", { outcome: "errored" })) > errored,
  );
  expect(await value("shopsniffer_jobs_total", { outcome: "errored" })).toBe(errored + 1);
  expect(await value("shopsniffer_jobs_total", { outcome: "completed" })).toBe(completed);
  expect((await getJob(svc.db, id))?.status).toBe("errored");
});
