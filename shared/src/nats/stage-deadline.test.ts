import { afterAll, beforeAll, expect, test } from "bun:test";
import { baseConfigSchema } from "../config.ts";
import type { Stage } from "../contracts/stages.ts";
import { jobs } from "../db/schema.ts";
import { getJob } from "../jobs/state.ts";
import { bootService, type ServiceContext } from "../service.ts";
import { createTestWorld, type TestWorld } from "../testing/env.ts";
import { isoNow } from "../time.ts";
import { publishStage, type RunnerOptions, runStages, type StageRun } from "./stage-runner.ts";

let world: TestWorld;
let svc: ServiceContext;
const stops: Array<() => Promise<void>> = [];
const attempts = new Map<string, number[]>();
const abortedSeen: string[] = [];

beforeAll(async () => {
  world = await createTestWorld();
  svc = await bootService("deadline-test", baseConfigSchema, world.env);
});

afterAll(async () => {
  for (const stop of stops) await stop();
  await svc?.close();
  await world?.stop();
});

async function consume(stage: Stage, options: RunnerOptions, handle: (run: StageRun) => unknown) {
  const spec = {
    stage,
    firstStep: stage === "sitemap" ? ("sitemap" as const) : ("audit" as const),
    handle: async (run: StageRun) => {
      attempts.set(run.job.id, [...(attempts.get(run.job.id) ?? []), run.attempt]);
      await handle(run);
    },
  };
  stops.push(await runStages(svc, [spec], options));
}

async function startJob(stage: Stage): Promise<string> {
  const id = crypto.randomUUID();
  const now = isoNow();
  const row = { id, domain: "x.test", slug: "x", status: "processing" as const };
  await svc.db.write((db) => db.insert(jobs).values({ ...row, createdAt: now, updatedAt: now }));
  await publishStage(svc, id, stage);
  return id;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition never met: ${JSON.stringify(value)}`);
    await Bun.sleep(20);
  }
}

test("a handler that hangs is retried at its deadline, then errors the job naming it", async () => {
  // The ack wait is far longer than the test: only the deadline can end these attempts.
  await consume(
    "sitemap",
    { ackWaitMs: 120_000, maxAttempts: 2, backoffMs: [50], concurrency: 1, deadlineMs: 400 },
    async (run) => {
      run.signal.addEventListener("abort", () => abortedSeen.push(run.job.id));
      await new Promise(() => {});
    },
  );
  const id = await startJob("sitemap");
  const job = await waitFor(
    () => getJob(svc.db, id),
    (j) => j?.status === "errored",
  );
  expect(job).toMatchObject({
    errorStep: "sitemap",
    errorCode: "internal",
    errorMessage: "sitemap stage did not finish within its deadline of 400 ms",
    errorAttempts: 2,
  });
  expect(attempts.get(id)).toEqual([1, 2]);
  expect(abortedSeen).toEqual([id, id]);
  // The message is terminated just after the job is marked errored.
  const info = await waitFor(
    () => svc.jsm.consumers.info(svc.names.pipelineStream, svc.names.consumer("sitemap")),
    (i) => i.num_ack_pending === 0,
  );
  expect(info.num_pending).toBe(0);
}, 20_000);

test("a long handler within its deadline keeps its message with heartbeats", async () => {
  // Three ack waits long: without heartbeats NATS would deliver it again meanwhile.
  await consume(
    "audit",
    { ackWaitMs: 1_500, maxAttempts: 3, backoffMs: [50], concurrency: 1, deadlineMs: 20_000 },
    () => Bun.sleep(4_500),
  );
  const id = await startJob("audit");
  const next = () =>
    svc.jsm.streams
      .getMessage(svc.names.pipelineStream, { last_by_subj: svc.names.stage("indexing") })
      .then((m) => m.json<{ jobId: string }>().jobId)
      .catch(() => null);
  expect(await waitFor(next, (jobId) => jobId === id)).toBe(id);
  expect(attempts.get(id)).toEqual([1]);
  expect((await getJob(svc.db, id))?.status).toBe("processing");
}, 20_000);
