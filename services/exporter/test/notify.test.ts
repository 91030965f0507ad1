import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jobSteps, jobs, webhookCallbacks } from "@shopsniffer/shared/db/schema";
import { createTestWorld, type TestWorld } from "@shopsniffer/shared/testing/env";
import { stageRunFor, watchProgress } from "@shopsniffer/shared/testing/stage-run";
import { eq } from "drizzle-orm";
import type { ExporterService } from "../src/config.ts";
import { claimCallback, markAttempted } from "../src/notify/callbacks.ts";
import { EMAIL_NOT_CONFIGURED, WEBHOOK_OUTCOME_UNKNOWN } from "../src/notify/deliver.ts";
import { notifyStage } from "../src/notify/stage.ts";
import { postWebhook } from "../src/notify/webhook.ts";
import { bootExporter, insertJob, reload } from "./helpers.ts";

const PUBLIC_URL = "https://sniffer.example.org";

let world: TestWorld;
let svc: ExporterService;
let receiver: ReturnType<typeof Bun.serve>;
const received: Array<{ path: string; type: string | null; body: unknown }> = [];
/** The webhook record of a job as `/peek` found it while the POST was in flight. */
const seenDuringPost = new Map<string, unknown>();

beforeAll(async () => {
  world = await createTestWorld({ WEBHOOK_ALLOW_PRIVATE: "true", PUBLIC_URL });
  svc = await bootExporter(world.env);
  receiver = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (request) => {
      const path = new URL(request.url).pathname;
      const body = (await request.json()) as { job_id: string };
      received.push({ path, type: request.headers.get("content-type"), body });
      if (path === "/peek") {
        seenDuringPost.set(body.job_id, (await callbacks(body.job_id)).get("webhook"));
      }
      return new Response(path === "/broken" ? "nope" : "ok", {
        status: path === "/broken" ? 500 : 200,
      });
    },
  });
});
afterAll(async () => {
  await receiver.stop(true);
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

function hookUrl(path: string): string {
  return `http://127.0.0.1:${receiver.port}${path}`;
}

function postsFor(jobId: string) {
  return received.filter((r) => (r.body as { job_id?: string }).job_id === jobId);
}

/** Runs the notify handler as the stage runner would on a first delivery. */
async function notify(jobId: string) {
  await notifyStage(svc).handle(await stageRunFor(svc, jobId, "notify", "notify-callbacks"));
}

describe("notify", () => {
  test("posts the reference payload once, completes the job, then publishes complete", async () => {
    const job = await insertJob(svc, { webhookUrl: hookUrl("/ok"), productCount: 3 });
    const watch = watchProgress(svc, job.id);
    await notify(job.id);
    await watch.stop();

    const mine = postsFor(job.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.type).toBe("application/json");
    expect(mine[0]?.body).toEqual({
      event: "job.completed",
      job_id: job.id,
      domain: "shop.example.com",
      slug: "shop-example-com",
      report_url: `${PUBLIC_URL}/report/${job.id}`,
      api_url: `${PUBLIC_URL}/api/reports/${job.id}`,
      status_url: `${PUBLIC_URL}/api/jobs/${job.id}/status`,
    });
    const record = (await callbacks(job.id)).get("webhook");
    expect(record).toMatchObject({ status: "delivered", attempts: 1, lastError: null });

    const done = await reload(svc, job.id);
    expect(done).toMatchObject({
      status: "completed",
      progress: 1000,
      currentStep: "notify-callbacks",
    });
    expect(done.completedAt).toBe(done.updatedAt);
    const types = watch.events.map((e) => e.type);
    expect(types.slice(-2)).toEqual(["status", "complete"]);
    expect(watch.events.at(-2)).toMatchObject({
      status: "completed",
      progress: 1,
      product_count: 3,
    });
    expect(watch.events.at(-1)).toMatchObject({ report_url: `${PUBLIC_URL}/report/${job.id}` });
  });

  test("does not post again when a rerun finds the webhook delivered", async () => {
    const job = await insertJob(svc, { webhookUrl: hookUrl("/ok") });
    await notify(job.id);
    // A redelivery after a crash finds the job not yet marked completed.
    await svc.db.write((db) =>
      db.update(jobs).set({ status: "processing" }).where(eq(jobs.id, job.id)),
    );
    await notify(job.id);

    expect(postsFor(job.id)).toHaveLength(1);
    expect((await callbacks(job.id)).get("webhook")).toMatchObject({ status: "delivered" });
    expect((await reload(svc, job.id)).status).toBe("completed");
  });

  test("counts the webhook's one attempt before it posts", async () => {
    const job = await insertJob(svc, { webhookUrl: hookUrl("/peek") });
    await notify(job.id);
    expect(seenDuringPost.get(job.id)).toMatchObject({ status: "pending", attempts: 1 });
    expect((await callbacks(job.id)).get("webhook")).toMatchObject({ status: "delivered" });
  });

  test("records an interrupted POST as failed on a rerun instead of posting again", async () => {
    const job = await insertJob(svc, { webhookUrl: hookUrl("/ok") });
    // The first run got as far as counting its attempt, then stopped before settling it.
    const row = await claimCallback(svc.db, job.id, "webhook", hookUrl("/ok"));
    expect(await markAttempted(svc.db, row)).toBe(true);
    await notify(job.id);

    expect(postsFor(job.id)).toHaveLength(0);
    expect((await callbacks(job.id)).get("webhook")).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: WEBHOOK_OUTCOME_UNKNOWN,
    });
    expect(await markAttempted(svc.db, row)).toBe(false);
    const [step] = await svc.db.db.select().from(jobSteps).where(eq(jobSteps.jobId, job.id));
    expect(step?.detail).toEqual({ webhook: "failed", email: "none" });
    expect((await reload(svc, job.id)).status).toBe("completed");
  });

  test("records a failing receiver as failed and still completes the job", async () => {
    const job = await insertJob(svc, {
      webhookUrl: hookUrl("/broken"),
      notifyEmail: "owner@example.com",
    });
    await notify(job.id);

    const records = await callbacks(job.id);
    expect(records.get("webhook")).toMatchObject({
      target: hookUrl("/broken"),
      status: "failed",
      attempts: 1,
      lastError: "HTTP 500",
    });
    expect(records.get("email")).toMatchObject({
      target: "owner@example.com",
      status: "skipped",
      lastError: EMAIL_NOT_CONFIGURED,
    });
    expect((await reload(svc, job.id)).status).toBe("completed");
    const [step] = await svc.db.db.select().from(jobSteps).where(eq(jobSteps.jobId, job.id));
    expect(step).toMatchObject({ step: "notify-callbacks", status: "completed" });
    expect(step?.detail).toEqual({ webhook: "failed", email: "skipped" });
  });

  test("completes a job without callbacks and records none", async () => {
    const job = await insertJob(svc);
    await notify(job.id);
    expect((await callbacks(job.id)).size).toBe(0);
    expect((await reload(svc, job.id)).status).toBe("completed");
  });
});

describe("webhook target guard", () => {
  const payload = {
    event: "job.completed" as const,
    job_id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
    domain: "allbirds.com",
    slug: "allbirds-com",
    report_url: "r",
    api_url: "a",
    status_url: "s",
  };
  const strict = { timeoutMs: 2_000, allowPrivate: false };

  test("refuses loopback and private targets unless allowed", async () => {
    for (const target of ["http://127.0.0.1:9/x", "http://[::1]:9/x", "http://localhost/x"]) {
      const result = await postWebhook(target, payload, strict);
      expect(result.status).toBe("failed");
      expect(result.status === "failed" && result.error).toContain("is not a public address");
    }
  });

  test("refuses non-http schemes and counts redirects as failures", async () => {
    expect(await postWebhook("ftp://example.com/x", payload, strict)).toEqual({
      status: "failed",
      error: "webhook URL must be http or https",
    });
    const redirecting = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => Response.redirect("http://127.0.0.1:1/elsewhere", 307),
    });
    const result = await postWebhook(`http://127.0.0.1:${redirecting.port}/`, payload, {
      timeoutMs: 2_000,
      allowPrivate: true,
    });
    await redirecting.stop(true);
    expect(result).toEqual({ status: "failed", error: "HTTP 307" });
  });
});
