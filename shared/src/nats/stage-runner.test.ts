import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { baseConfigSchema } from "../config.ts";
import { jobSteps } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { getJob } from "../jobs/state.ts";
import { bootService, type ServiceContext } from "../service.ts";
import { createTestWorld, type TestWorld } from "../testing/env.ts";
import { insertTestJob } from "../testing/jobs.ts";
import { isoNow } from "../time.ts";
import { publishStage, runStages } from "./stage-runner.ts";

const MAX_ATTEMPTS = 3;
let world: TestWorld;
let svc: ServiceContext;
let stop: () => Promise<void>;
const calls = new Map<string, number>();

/** How the test handler behaves, chosen by the job's domain. */
async function handle(run: { job: { id: string; domain: string }; attempt: number }) {
  calls.set(run.job.id, (calls.get(run.job.id) ?? 0) + 1);
  if (run.job.domain === "flaky.test" && run.attempt < 3) throw new Error("flaky store");
  if (run.job.domain === "fatal.test") throw new AppError("upstream_failed", "no sitemap");
  if (run.job.domain === "broken.test") throw new Error("always broken");
}

beforeAll(async () => {
  world = await createTestWorld();
  svc = await bootService("runner-test", baseConfigSchema, world.env);
  stop = await runStages(svc, [{ stage: "insights", firstStep: "insights", handle }], {
    ackWaitMs: 5_000,
    maxAttempts: MAX_ATTEMPTS,
    backoffMs: [50, 100],
    concurrency: 2,
  });
});

afterAll(async () => {
  await stop?.();
  await svc?.close();
  await world?.stop();
});

async function startJob(domain: string): Promise<string> {
  const id = await insertTestJob(svc.db, { domain });
  await svc.db.write((db) =>
    db
      .insert(jobSteps)
      .values({ jobId: id, step: "insights", status: "running", startedAt: isoNow() }),
  );
  await publishStage(svc, id, "insights");
  return id;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition never met: ${JSON.stringify(value)}`);
    await Bun.sleep(20);
  }
}

const hasNext = async (jobId: string) => {
  const last = await svc.jsm.streams
    .getMessage(svc.names.pipelineStream, { last_by_subj: svc.names.stage("export") })
    .catch(() => null);
  return last?.json<{ jobId: string }>().jobId === jobId;
};

test("a stage that fails then succeeds is retried and hands the job on once", async () => {
  const id = await startJob("flaky.test");
  expect(await waitFor(() => hasNext(id), Boolean)).toBe(true);
  expect(calls.get(id)).toBe(3);
  const again = await svc.js.publish(
    svc.names.stage("insights"),
    JSON.stringify({ jobId: id, stage: "insights" }),
    {
      msgID: svc.names.stageMsgId(id, "insights"),
    },
  );
  expect(again.duplicate).toBe(true);
});

test("a message for a finished job whose final event was lost publishes it", async () => {
  const id = await insertTestJob(svc.db, {
    domain: "lost.test",
    status: "errored",
    errorStep: "insights",
    errorCode: "upstream_failed",
    errorMessage: "gone",
    errorAttempts: 2,
  });
  const last = () =>
    svc.jsm.streams
      .getMessage(svc.names.progressStream, { last_by_subj: svc.names.progress(id) })
      .then((m) => m.json<{ type: string; attempts: number }>())
      .catch(() => null);
  expect(await last()).toBeNull();
  await publishStage(svc, id, "insights");
  const event = await waitFor(last, (e) => e !== null);
  expect(event).toMatchObject({ type: "error", attempts: 2 });
  expect(calls.get(id)).toBeUndefined();
});

test("a non-retryable failure errors the job at once with the step and attempt", async () => {
  const id = await startJob("fatal.test");
  const job = await waitFor(
    () => getJob(svc.db, id),
    (j) => j?.status === "errored",
  );
  expect(job).toMatchObject({
    status: "errored",
    errorStep: "insights",
    errorCode: "upstream_failed",
    errorMessage: "no sitemap",
    errorAttempts: 1,
  });
  const event = await svc.jsm.streams.getMessage(svc.names.progressStream, {
    last_by_subj: svc.names.progress(id),
  });
  expect(event.json()).toMatchObject({ type: "error", step: "insights", attempts: 1 });
});

test("a stage that keeps failing errors the job after the last attempt", async () => {
  const id = await startJob("broken.test");
  const job = await waitFor(
    () => getJob(svc.db, id),
    (j) => j?.status === "errored",
  );
  expect(job?.errorAttempts).toBe(MAX_ATTEMPTS);
  expect(calls.get(id)).toBe(MAX_ATTEMPTS);
  const step = await svc.db.db.query.jobSteps.findFirst({ where: eq(jobSteps.jobId, id) });
  expect(step?.status).toBe("errored");
});

test("a message that fails its schema is terminated, not retried", async () => {
  await svc.js.publish(svc.names.stage("insights"), JSON.stringify({ jobId: "nope" }));
  const info = await waitFor(
    () => svc.jsm.consumers.info(svc.names.pipelineStream, svc.names.consumer("insights")),
    (i) => i.num_pending === 0 && i.num_ack_pending === 0,
  );
  expect(info.num_pending).toBe(0);
  expect(info.num_ack_pending).toBe(0);
  expect(info.num_redelivered).toBe(0);
});

test("a runner stopped mid-stage hands its message back at once, not after the ack wait", async () => {
  const id = await insertTestJob(svc.db, { domain: "slow.test" });
  const attempts: number[] = [];
  let release = () => {};
  const finished = new Promise<void>((resolve) => {
    release = resolve;
  });
  const spec = (name: string) => ({
    stage: "notify" as const,
    firstStep: "notify-callbacks" as const,
    handle: async (run: { attempt: number }) => {
      attempts.push(run.attempt);
      if (name === "first") await Bun.sleep(60_000);
      else release();
    },
  });
  // An ack wait far longer than this test may run: only a hand-back can finish it in time.
  const options = { ackWaitMs: 120_000, maxAttempts: 3, backoffMs: [0], concurrency: 1 };
  const stopFirst = await runStages(svc, [spec("first")], { ...options, shutdownGraceMs: 100 });
  await publishStage(svc, id, "notify");
  await waitFor(
    async () => attempts.length,
    (n) => n === 1,
  );
  const stopSecond = await runStages(svc, [spec("second")], options);
  await stopFirst();
  await finished;
  await stopSecond();
  expect(attempts).toEqual([1, 2]);
}, 20_000);
