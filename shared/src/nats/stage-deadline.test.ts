import { afterAll, beforeAll, expect, test } from "bun:test";
import { baseConfigSchema } from "../config.ts";
import type { Stage, Step } from "../contracts/stages.ts";
import { jobSteps } from "../db/schema.ts";
import { finishStep, getJob, startStep } from "../jobs/state.ts";
import { bootService, type ServiceContext } from "../service.ts";
import { createTestWorld, type TestWorld } from "../testing/env.ts";
import { insertTestJob } from "../testing/jobs.ts";
import { and, eq } from "drizzle-orm";
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

const firstSteps: Partial<Record<Stage, Step>> = {
  sitemap: "sitemap",
  audit: "audit",
  pagespeed: "pagespeed",
};

async function consume(stage: Stage, options: RunnerOptions, handle: (run: StageRun) => unknown) {
  const spec = {
    stage,
    firstStep: firstSteps[stage] ?? "audit",
    handle: async (run: StageRun) => {
      attempts.set(run.job.id, [...(attempts.get(run.job.id) ?? []), run.attempt]);
      await handle(run);
    },
  };
  stops.push(await runStages(svc, [spec], options));
}

async function startJob(stage: Stage): Promise<string> {
  const id = await insertTestJob(svc.db, { domain: "x.test" });
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

test("a handler that hangs until its deadline is retried at its deadline, then errors the job naming it", async () => {
  // The ack wait is far longer than the test: only the deadline can end these attempts.
  await consume(
    "sitemap",
    { ackWaitMs: 120_000, maxAttempts: 2, backoffMs: [50], concurrency: 1, deadlineMs: 400 },
    async (run) => {
      // Hangs until the deadline, then takes a little longer to notice it.
      await new Promise((resolve) => {
        run.signal.addEventListener("abort", () => {
          abortedSeen.push(run.job.id);
          setTimeout(resolve, 100);
        });
      });
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

test("a handler past its deadline keeps its slot, and its late step writes leave the errored job", async () => {
  const active = { now: 0, max: 0 };
  const late: Array<{ attempt: number; finished: boolean; restarted: boolean }> = [];
  let progressRefused = 0;
  await consume(
    "pagespeed",
    { ackWaitMs: 120_000, maxAttempts: 2, backoffMs: [50], concurrency: 1, deadlineMs: 300 },
    async (run) => {
      active.now++;
      active.max = Math.max(active.max, active.now);
      try {
        await startStep(svc.db, run.job.id, "pagespeed", run.attempt);
        await Bun.sleep(900); // ignores its signal, like a hung browser
        const finished = await finishStep(
          svc.db,
          run.job.id,
          "pagespeed",
          "completed",
          {},
          run.attempt,
        );
        const restarted = await startStep(svc.db, run.job.id, "pagespeed", run.attempt);
        late.push({ attempt: run.attempt, finished, restarted });
        await run.progress.step(run.job.id, "pagespeed", "completed").catch(() => {
          progressRefused++;
        });
      } finally {
        active.now--;
      }
    },
  );
  const id = await startJob("pagespeed");
  await waitFor(
    () => getJob(svc.db, id),
    (j) => j?.status === "errored",
  );
  // Attempt 2 ran its own course; the job errored at its deadline, before its late writes.
  await waitFor(
    async () => late.length,
    (n) => n === 2,
  );
  expect(attempts.get(id)).toEqual([1, 2]);
  expect(active.max).toBe(1);
  // Attempt 1 finished its step before attempt 2 could start (the slot was held), so its own
  // finishStep landed; attempt 2's came after the give-up and was refused, as was its restart.
  expect(late).toEqual([
    { attempt: 1, finished: true, restarted: true },
    { attempt: 2, finished: false, restarted: false },
  ]);
  expect(progressRefused).toBe(2);
  const job = await getJob(svc.db, id);
  expect(job).toMatchObject({ status: "errored", errorStep: "pagespeed", errorAttempts: 2 });
  const [row] = await svc.db.db
    .select()
    .from(jobSteps)
    .where(and(eq(jobSteps.jobId, id), eq(jobSteps.step, "pagespeed")));
  expect(row).toMatchObject({ status: "errored", attempts: 2 });
}, 20_000);

test("a superseded attempt cannot finish the step its retry started", async () => {
  const id = await insertTestJob(svc.db, { domain: "x.test" });
  expect(await startStep(svc.db, id, "audit", 1)).toBe(true);
  expect(await startStep(svc.db, id, "audit", 2)).toBe(true);
  expect(await finishStep(svc.db, id, "audit", "completed", { by: 1 }, 1)).toBe(false);
  const read = () =>
    svc.db.db
      .select()
      .from(jobSteps)
      .where(and(eq(jobSteps.jobId, id), eq(jobSteps.step, "audit")));
  expect((await read())[0]).toMatchObject({ status: "running", attempts: 2 });
  expect(await finishStep(svc.db, id, "audit", "completed", { by: 2 }, 2)).toBe(true);
  expect((await read())[0]).toMatchObject({ status: "completed", attempts: 2, detail: { by: 2 } });
});
