import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DeliveryMessage } from "@shopsniffer/shared/contracts/messages";
import { jobs, webhookCallbacks } from "@shopsniffer/shared/db/schema";
import { createTestWorld, type TestWorld } from "@shopsniffer/shared/testing/env";
import { stageRunFor } from "@shopsniffer/shared/testing/stage-run";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import type { ExporterService } from "../src/config.ts";
import { attemptNotification, OUTCOME_UNKNOWN } from "../src/delivery/attempt.ts";
import { EMAIL_NOT_CONFIGURED } from "../src/delivery/notifications.ts";
import { beginAttempt, claimCallback, recordAttempt } from "../src/delivery/records.ts";
import { startDeliveryWorker } from "../src/delivery/worker.ts";
import { notifyStage } from "../src/notify/stage.ts";
import { bootExporter, insertJob, reload, waitFor } from "./helpers.ts";
import { type ReceivedHook, type Receiver, startReceiver } from "./receiver.ts";

const PUBLIC_URL = "https://sniffer.example.org";
const SECRET = `whsec_${Buffer.from("a test secret of 32 bytes length").toString("base64")}`;
const BACKOFF_MS = [50, 100, 150];
const MAX_ATTEMPTS = 5;

let world: TestWorld;
let svc: ExporterService;
let stopWorker: () => Promise<void>;
let receiver: Receiver;
/** Lets the `/slow` receiver answer. */
let releaseSlow = () => {};
const slowAnswer = new Promise<number>((resolve) => {
  releaseSlow = () => resolve(200);
});
/** The webhook record of a job as the `/flaky` receiver found it during each request. */
const seenDuringPost: Array<Record<string, unknown> | undefined> = [];

beforeAll(async () => {
  world = await createTestWorld({
    WEBHOOK_ALLOW_PRIVATE: "true",
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_BACKOFF_MS: BACKOFF_MS.join(","),
    WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    PUBLIC_URL,
  });
  svc = await bootExporter(world.env);
  receiver = startReceiver(async (path, previous) => {
    if (path === "/flaky") {
      seenDuringPost.push(await record(JSON.parse(receiver.at(path)[previous]?.body ?? "{}")));
      return previous < 3 ? 500 : 200;
    }
    if (path === "/down") return 503;
    if (path === "/slow") return slowAnswer;
    return 200;
  });
  stopWorker = await startDeliveryWorker(svc);
});
afterAll(async () => {
  releaseSlow();
  await stopWorker();
  await receiver.stop();
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

async function record(body: { job_id?: string }) {
  return body.job_id ? (await callbacks(body.job_id)).get("webhook") : undefined;
}

function settled(kind: "webhook" | "email" = "webhook") {
  return (rows: Awaited<ReturnType<typeof callbacks>>) => {
    const status = rows.get(kind)?.status;
    return status !== undefined && status !== "pending";
  };
}

/** Runs the notify handler as the stage runner would on a first delivery. */
async function notify(jobId: string) {
  await notifyStage(svc).handle(await stageRunFor(svc, jobId, "notify", "notify-callbacks"));
}

/** Queues a delivery message as the stage runner does for an errored job. */
async function publishDelivery(message: unknown, msgID: string) {
  await svc.js.publish(svc.names.delivery("job.failed"), JSON.stringify(message), { msgID });
}

async function consumerIdle() {
  const info = await svc.jsm.consumers.info(svc.names.deliveryStream, svc.names.deliveryConsumer);
  return info.num_pending + info.num_ack_pending === 0;
}

function verified(hook: ReceivedHook): unknown {
  return new Webhook(SECRET).verify(hook.body, hook.headers);
}

describe("webhook delivery", () => {
  test("retries a failing receiver; the fourth attempt arrives signed, same id", async () => {
    const job = await insertJob(svc, { webhookUrl: receiver.url("/flaky") });
    await notify(job.id);
    const rows = await waitFor(() => callbacks(job.id), settled());

    const hooks = receiver.at("/flaky");
    expect(hooks).toHaveLength(4);
    expect(new Set(hooks.map((h) => h.headers["webhook-id"]))).toEqual(
      new Set([`msg_${job.id}_job.completed`]),
    );
    for (const hook of hooks) {
      expect(verified(hook)).toEqual({
        event: "job.completed",
        job_id: job.id,
        domain: "shop.example.com",
        slug: "shop-example-com",
        report_url: `${PUBLIC_URL}/report/${job.id}`,
        api_url: `${PUBLIC_URL}/api/reports/${job.id}`,
        status_url: `${PUBLIC_URL}/api/jobs/${job.id}/status`,
      });
    }
    expect(hooks[3]?.headers["content-type"]).toBe("application/json");
    const gaps = hooks.slice(1).map((h, i) => h.at - (hooks[i]?.at ?? 0));
    expect(gaps.map((gap, i) => gap >= (BACKOFF_MS[i] ?? 0) - 5)).toEqual([true, true, true]);

    expect(rows.get("webhook")).toMatchObject({
      status: "delivered",
      event: "job.completed",
      attempts: 4,
      lastStatus: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    // Each attempt was counted before its POST; the one before it had been recorded.
    expect(seenDuringPost.map((r) => [r?.attempts, r?.lastStatus])).toEqual([
      [1, null],
      [2, 500],
      [3, 500],
      [4, 500],
    ]);
    await waitFor(consumerIdle, Boolean);
  });

  test("records a receiver that always fails as failed after the last attempt", async () => {
    const job = await insertJob(svc, { webhookUrl: receiver.url("/down") });
    await notify(job.id);
    const waiting = await waitFor(
      () => callbacks(job.id),
      (rows) => rows.get("webhook")?.nextAttemptAt != null,
    );
    expect(waiting.get("webhook")).toMatchObject({ status: "pending", lastError: "HTTP 503" });

    const rows = await waitFor(() => callbacks(job.id), settled());
    expect(rows.get("webhook")).toMatchObject({
      status: "failed",
      attempts: MAX_ATTEMPTS,
      lastStatus: 503,
      lastError: "HTTP 503",
      nextAttemptAt: null,
    });
    expect(receiver.at("/down")).toHaveLength(MAX_ATTEMPTS);
    await waitFor(consumerIdle, Boolean);
    expect(receiver.at("/down")).toHaveLength(MAX_ATTEMPTS);
  });

  test("the notify stage completes the job without waiting for the receiver", async () => {
    const job = await insertJob(svc, { webhookUrl: receiver.url("/slow") });
    await notify(job.id);
    expect((await reload(svc, job.id)).status).toBe("completed");

    await waitFor(
      async () => receiver.at("/slow").length,
      (n) => n === 1,
    );
    expect((await callbacks(job.id)).get("webhook")).toMatchObject({
      status: "pending",
      attempts: 1,
      nextAttemptAt: null,
    });
    releaseSlow();
    const rows = await waitFor(() => callbacks(job.id), settled());
    expect(rows.get("webhook")).toMatchObject({ status: "delivered", attempts: 1 });
  });

  test("announces an errored job with job.failed and its error", async () => {
    const job = await insertJob(svc, {
      webhookUrl: receiver.url("/failed"),
      notifyEmail: "owner@example.com",
      status: "errored",
      errorStep: "crawl-products",
      errorCode: "store_unreachable",
      errorMessage: "The store did not answer.",
      errorAttempts: 5,
    });
    const message: DeliveryMessage = { jobId: job.id, event: "job.failed" };
    await publishDelivery(message, svc.names.deliveryMsgId(job.id, "job.failed"));
    const rows = await waitFor(
      () => callbacks(job.id),
      (r) => settled("webhook")(r) && settled("email")(r),
    );

    const [hook] = receiver.at("/failed");
    expect(hook?.headers["webhook-id"]).toBe(`msg_${job.id}_job.failed`);
    expect(verified(hook as ReceivedHook)).toEqual({
      event: "job.failed",
      job_id: job.id,
      domain: "shop.example.com",
      slug: "shop-example-com",
      report_url: `${PUBLIC_URL}/report/${job.id}`,
      api_url: `${PUBLIC_URL}/api/reports/${job.id}`,
      status_url: `${PUBLIC_URL}/api/jobs/${job.id}/status`,
      error: {
        step: "crawl-products",
        code: "store_unreachable",
        message: "The store did not answer.",
        attempts: 5,
      },
    });
    expect(rows.get("webhook")).toMatchObject({ status: "delivered", event: "job.failed" });
    expect(rows.get("email")).toMatchObject({
      status: "skipped",
      attempts: 0,
      lastError: EMAIL_NOT_CONFIGURED,
    });
  });

  test("does not repeat an attempt whose process stopped during it", async () => {
    const job = await insertJob(svc, { webhookUrl: receiver.url("/resumed") });
    const key = { jobId: job.id, kind: "webhook" as const, event: "job.completed" as const };
    const row = await claimCallback(svc.db, key, receiver.url("/resumed"));
    expect(await beginAttempt(svc.db, row)).toBe(1);
    // The process stopped during attempt 1; the redelivered message finds it unsettled.
    expect(await beginAttempt(svc.db, row)).toBeNull();
    await notify(job.id);

    const rows = await waitFor(() => callbacks(job.id), settled());
    expect(rows.get("webhook")).toMatchObject({ status: "delivered", attempts: 2 });
    expect(receiver.at("/resumed")).toHaveLength(1);
  });

  test("records the unknown outcome of an interrupted attempt before retrying", async () => {
    const job = await insertJob(svc, { webhookUrl: receiver.url("/down") });
    const key = { jobId: job.id, kind: "webhook" as const, event: "job.completed" as const };
    await beginAttempt(svc.db, await claimCallback(svc.db, key, receiver.url("/down")));
    await notify(job.id);
    const rows = await waitFor(
      () => callbacks(job.id),
      (r) => r.get("webhook")?.nextAttemptAt != null,
    );
    expect(rows.get("webhook")).toMatchObject({ attempts: 1, lastError: OUTCOME_UNKNOWN });
    await waitFor(() => callbacks(job.id), settled());
  });

  test("starts a record over for job.failed when the job errored after queuing", async () => {
    const job = await insertJob(svc, { webhookUrl: receiver.url("/switched") });
    const key = { jobId: job.id, kind: "webhook" as const, event: "job.completed" as const };
    await beginAttempt(svc.db, await claimCallback(svc.db, key, receiver.url("/switched")));
    await svc.db.write((db) =>
      db
        .update(jobs)
        .set({ status: "errored", errorStep: "notify-callbacks" })
        .where(eq(jobs.id, job.id)),
    );
    await publishDelivery({ jobId: job.id, event: "job.failed" }, `${job.id}:switch`);

    const rows = await waitFor(() => callbacks(job.id), settled());
    expect(rows.get("webhook")).toMatchObject({
      status: "delivered",
      event: "job.failed",
      attempts: 1,
    });
    expect(receiver.at("/switched").map((h) => JSON.parse(h.body).event)).toEqual(["job.failed"]);
  });

  test("on the broker's last delivery, attempts at once and settles a failure", async () => {
    const job = await insertJob(svc);
    const key = { jobId: job.id, kind: "webhook" as const, event: "job.completed" as const };
    const row = await claimCallback(svc.db, key, receiver.url("/down"));
    await beginAttempt(svc.db, row);
    const later = new Date(Date.now() + 60_000);
    const failure = { ok: false, code: 503, error: "HTTP 503", retryable: true } as const;
    await recordAttempt(svc.db, { ...row, attempts: 0 }, 1, failure, later);

    const ctx = {
      db: svc.db,
      jobId: job.id,
      event: "job.completed" as const,
      policy: { maxAttempts: MAX_ATTEMPTS, backoffMs: BACKOFF_MS },
      log: svc.log,
    };
    const notification = {
      kind: "webhook" as const,
      target: receiver.url("/down"),
      send: async () => failure,
    };
    const early = await attemptNotification({ ...ctx, finalDelivery: false }, notification);
    expect(early.settled).toBe(false);
    expect(await attemptNotification({ ...ctx, finalDelivery: true }, notification)).toEqual({
      settled: true,
    });
    expect((await callbacks(job.id)).get("webhook")).toMatchObject({
      status: "failed",
      attempts: 2,
      nextAttemptAt: null,
    });
  });

  test("terminates messages that fail their schema or contradict the job", async () => {
    const job = await insertJob(svc, { webhookUrl: receiver.url("/never") });
    await publishDelivery({ jobId: "not-a-uuid", event: "job.failed" }, "bad-1");
    await publishDelivery({ jobId: job.id, event: "job.failed" }, "bad-2");
    await waitFor(consumerIdle, Boolean);
    expect(receiver.at("/never")).toHaveLength(0);
    expect((await callbacks(job.id)).size).toBe(0);
  });
});
