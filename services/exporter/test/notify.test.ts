import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jobSteps, jobs, webhookCallbacks } from "@shopsniffer/shared/db/schema";
import { createTestWorld, type TestWorld } from "@shopsniffer/shared/testing/env";
import { stageRunFor, watchProgress } from "@shopsniffer/shared/testing/stage-run";
import { eq } from "drizzle-orm";
import type { ExporterService } from "../src/config.ts";
import { notifyStage } from "../src/notify/stage.ts";
import { bootExporter, insertJob, reload } from "./helpers.ts";

const PUBLIC_URL = "https://sniffer.example.org";

// No delivery worker runs here: these tests see what the stage queues, not its delivery.
let world: TestWorld;
let svc: ExporterService;

beforeAll(async () => {
  world = await createTestWorld({ PUBLIC_URL });
  svc = await bootExporter(world.env);
});
afterAll(async () => {
  await svc.close();
  await world.stop();
});

async function callbacks(jobId: string) {
  const rows = await svc.db.db
    .select()
    .from(webhookCallbacks)
    .where(eq(webhookCallbacks.jobId, jobId));
  return new Map(rows.map((row) => [row.kind, row]));
}

/** The delivery messages queued so far, as parsed JSON. */
async function queued(): Promise<Array<{ subject: string; data: unknown }>> {
  const info = await svc.jsm.streams.info(svc.names.deliveryStream);
  const found = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const msg = await svc.jsm.streams.getMessage(svc.names.deliveryStream, { seq });
    if (msg) found.push({ subject: msg.subject, data: msg.json() });
  }
  return found;
}

async function notify(jobId: string) {
  await notifyStage(svc).handle(await stageRunFor(svc, jobId, "notify", "notify-callbacks"));
}

async function stepDetail(jobId: string) {
  const [step] = await svc.db.db.select().from(jobSteps).where(eq(jobSteps.jobId, jobId));
  return step;
}

describe("notify", () => {
  test("queues the notifications, completes the job, then publishes complete", async () => {
    const job = await insertJob(svc, {
      webhookUrl: "https://hooks.example.com/in",
      notifyEmail: "owner@example.com",
      productCount: 3,
    });
    const watch = watchProgress(svc, job.id);
    await notify(job.id);
    await watch.stop();

    const records = await callbacks(job.id);
    expect(records.get("webhook")).toMatchObject({
      target: "https://hooks.example.com/in",
      status: "pending",
      event: "job.completed",
      attempts: 0,
    });
    expect(records.get("email")).toMatchObject({ target: "owner@example.com", attempts: 0 });
    expect((await queued()).filter((m) => (m.data as { jobId: string }).jobId === job.id)).toEqual([
      {
        subject: svc.names.delivery("job.completed"),
        data: { jobId: job.id, event: "job.completed" },
      },
    ]);

    const done = await reload(svc, job.id);
    expect(done).toMatchObject({
      status: "completed",
      progress: 1000,
      currentStep: "notify-callbacks",
    });
    expect(done.completedAt).toBe(done.updatedAt);
    expect(await stepDetail(job.id)).toMatchObject({
      status: "completed",
      detail: { webhook: "pending", email: "pending" },
    });
    expect(watch.events.map((e) => e.type).slice(-2)).toEqual(["status", "complete"]);
    expect(watch.events.at(-2)).toMatchObject({
      status: "completed",
      progress: 1,
      product_count: 3,
    });
    expect(watch.events.at(-1)).toMatchObject({ report_url: `${PUBLIC_URL}/report/${job.id}` });
  });

  test("a rerun queues nothing twice and keeps settled records", async () => {
    const job = await insertJob(svc, { webhookUrl: "https://hooks.example.com/again" });
    await notify(job.id);
    await svc.db.write((db) =>
      db
        .update(webhookCallbacks)
        .set({ status: "delivered", attempts: 1 })
        .where(eq(webhookCallbacks.jobId, job.id)),
    );
    // A redelivery after a crash finds the job not yet marked completed.
    await svc.db.write((db) =>
      db.update(jobs).set({ status: "processing" }).where(eq(jobs.id, job.id)),
    );
    await notify(job.id);

    const mine = (await queued()).filter((m) => (m.data as { jobId: string }).jobId === job.id);
    expect(mine).toHaveLength(1);
    expect((await callbacks(job.id)).get("webhook")).toMatchObject({
      status: "delivered",
      attempts: 1,
    });
    expect((await reload(svc, job.id)).status).toBe("completed");
  });

  test("completes a job without notifications and queues nothing", async () => {
    const job = await insertJob(svc);
    await notify(job.id);
    expect((await callbacks(job.id)).size).toBe(0);
    const mine = (await queued()).filter((m) => (m.data as { jobId: string }).jobId === job.id);
    expect(mine).toHaveLength(0);
    expect((await stepDetail(job.id))?.detail).toEqual({ webhook: "none", email: "none" });
    expect((await reload(svc, job.id)).status).toBe("completed");
  });
});

describe("an attempt that must not complete the job", () => {
  test("a job that errored meanwhile stays errored, with nothing queued or published", async () => {
    const job = await insertJob(svc, { webhookUrl: "https://hooks.example.com/in" });
    const run = await stageRunFor(svc, job.id, "notify", "notify-callbacks");
    // The runner gave the job up (its deadline passed) before this attempt went on.
    await svc.db.write((db) =>
      db.update(jobs).set({ status: "errored" }).where(eq(jobs.id, job.id)),
    );
    const watch = watchProgress(svc, job.id);
    await notifyStage(svc).handle(run);
    await watch.stop();
    expect(await reload(svc, job.id)).toMatchObject({ status: "errored", completedAt: null });
    expect((await callbacks(job.id)).size).toBe(0);
    expect(watch.events).toEqual([]);
  });

  test("an attempt past its deadline queues no notification and leaves the job open", async () => {
    const job = await insertJob(svc, { webhookUrl: "https://hooks.example.com/in" });
    const deadline = new AbortController();
    deadline.abort(new Error("notify stage did not finish within its deadline"));
    const run = { ...(await stageRunFor(svc, job.id, "notify", "notify-callbacks")) };
    run.signal = deadline.signal;
    await expect(notifyStage(svc).handle(run)).rejects.toThrow("deadline");
    expect(await reload(svc, job.id)).toMatchObject({ status: "processing" });
    expect((await callbacks(job.id)).size).toBe(0);
  });
});
