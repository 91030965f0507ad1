import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DOWNLOADS } from "@shopsniffer/shared/contracts/downloads";
import { webhookCallbacks } from "@shopsniffer/shared/db/schema";
import { createTestWorld, type TestWorld } from "@shopsniffer/shared/testing/env";
import { stageRunFor } from "@shopsniffer/shared/testing/stage-run";
import { and, eq } from "drizzle-orm";
import type { ExporterService } from "../src/config.ts";
import { startDeliveryWorker } from "../src/delivery/worker.ts";
import { notifyStage } from "../src/notify/stage.ts";
import { bootExporter, insertJob, waitFor } from "./helpers.ts";
import { mailHeader, mimePart, type SmtpSink, startSmtpSink } from "./smtp-sink.ts";

const PUBLIC_URL = "https://sniffer.example.org";

let world: TestWorld;
let svc: ExporterService;
let sink: SmtpSink;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  sink = await startSmtpSink("mailer", "s3cret", new Set(["busy@example.com"]));
  world = await createTestWorld({
    PUBLIC_URL,
    SMTP_URL: `smtp://mailer:s3cret@127.0.0.1:${sink.port}`,
    SMTP_FROM: "Sniffer <sniffer@example.org>",
    WEBHOOK_BACKOFF_MS: "50",
  });
  svc = await bootExporter(world.env);
  stopWorker = await startDeliveryWorker(svc);
});
afterAll(async () => {
  await stopWorker();
  await svc.close();
  await world.stop();
  await sink.stop();
});

async function emailRecord(jobId: string) {
  const [row] = await svc.db.db
    .select()
    .from(webhookCallbacks)
    .where(and(eq(webhookCallbacks.jobId, jobId), eq(webhookCallbacks.kind, "email")));
  return row;
}

const settled = (row: Awaited<ReturnType<typeof emailRecord>>) =>
  row !== undefined && row.status !== "pending";

function mailTo(address: string) {
  return sink.mails.filter((m) => m.to.includes(address));
}

describe("email notifications", () => {
  test("sends a completed job's summary with its report and download links", async () => {
    const job = await insertJob(svc, {
      notifyEmail: "owner@example.com",
      productCount: 30,
      collectionCount: 4,
      pageCount: 2,
      shopMeta: { shop_name: "Lubie & Co <EU>" },
      downloads: { ...DOWNLOADS },
    });
    await notifyStage(svc).handle(await stageRunFor(svc, job.id, "notify", "notify-callbacks"));
    const row = await waitFor(() => emailRecord(job.id), settled);

    expect(row).toMatchObject({ status: "delivered", attempts: 1, lastStatus: 250 });
    const [mail] = mailTo("owner@example.com");
    expect(mail?.to).toEqual(["owner@example.com"]);
    expect(mail?.user).toBe("mailer");
    const raw = mail?.raw ?? "";
    expect(mailHeader(raw, "subject")).toBe("ShopSniffer report ready: shop.example.com");
    expect(mailHeader(raw, "from")).toBe("Sniffer <sniffer@example.org>");
    expect(mailHeader(raw, "message-id")).toBe(`<${job.id}.job.completed@shopsniffer>`);

    const text = mimePart(raw, "text/plain");
    expect(text).toContain("Lubie & Co <EU> (shop.example.com)");
    expect(text).toContain("Products: 30");
    expect(text).toContain(`Report: ${PUBLIC_URL}/report/${job.id}`);
    expect(text).toContain(`${PUBLIC_URL}/api/downloads?jobId=${job.id}&key=products.csv`);
    const html = mimePart(raw, "text/html");
    expect(html).toContain("Lubie &amp; Co &lt;EU&gt;");
    expect(html).toContain(`href="${PUBLIC_URL}/report/${job.id}"`);
  });

  test("tells an errored job's owner what failed", async () => {
    const job = await insertJob(svc, {
      notifyEmail: "failed@example.com",
      status: "errored",
      errorStep: "crawl-products",
      errorCode: "store_unreachable",
      errorMessage: "The store did not answer.",
      errorAttempts: 5,
    });
    await svc.js.publish(
      svc.names.delivery("job.failed"),
      JSON.stringify({ jobId: job.id, event: "job.failed" }),
      { msgID: svc.names.deliveryMsgId(job.id, "job.failed") },
    );
    expect(await waitFor(() => emailRecord(job.id), settled)).toMatchObject({
      status: "delivered",
      event: "job.failed",
    });
    const raw = mailTo("failed@example.com")[0]?.raw ?? "";
    expect(mailHeader(raw, "subject")).toBe("ShopSniffer analysis failed: shop.example.com");
    const text = mimePart(raw, "text/plain");
    expect(text).toContain("Error: The store did not answer. (store_unreachable)");
    expect(text).toContain(`Status: ${PUBLIC_URL}/api/jobs/${job.id}/status`);
  });

  test("retries a recipient the server refused for a while", async () => {
    const job = await insertJob(svc, { notifyEmail: "busy@example.com" });
    await notifyStage(svc).handle(await stageRunFor(svc, job.id, "notify", "notify-callbacks"));
    const row = await waitFor(() => emailRecord(job.id), settled);
    expect(row).toMatchObject({ status: "delivered", attempts: 2, lastStatus: 250 });
    expect(mailTo("busy@example.com")).toHaveLength(1);
  });
});
