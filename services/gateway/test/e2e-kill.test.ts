import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { eq } from "drizzle-orm";
import { parse } from "csv-parse/sync";
import { openDb } from "@shopsniffer/shared/db/client";
import { jobSteps } from "@shopsniffer/shared/db/schema";
import type { ServiceName } from "@shopsniffer/shared/stack/supervisor";
import { DEMO_DOMAIN, generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import { followJob } from "../../../scripts/lib/analyze.ts";
import { pollStatus, type StackHarness, startStackHarness } from "./stack-harness.ts";

// These tests run the four services as processes; a job takes seconds, not milliseconds.
setDefaultTimeout(90_000);

const PRODUCTS = 2_500;

let store: RunningStorefront;
let harness: StackHarness;

beforeAll(async () => {
  // 250 products a page and 250 ms a JSON answer: product indexing takes about 3 s.
  // meta.json answers slowly, so the audit stage (which reads it) lasts long enough to be
  // killed in the middle.
  store = await startStorefront(
    { store: generateDemoStore({ productCount: PRODUCTS }) },
    {
      latencyMs: 250,
      intercept: async (request) => {
        if (new URL(request.url).pathname === "/meta.json") await Bun.sleep(1_500);
        return undefined;
      },
    },
  );
  harness = await startStackHarness({
    STORE_ORIGINS: `${DEMO_DOMAIN}=${store.origin}`,
    STAGE_ACK_WAIT_MS: "2000",
  });
}, 60_000);

afterAll(async () => {
  await harness?.stop();
  await store?.stop();
}, 30_000);

async function createJob(): Promise<string> {
  const created = await fetch(`${harness.stack.gatewayUrl}/api/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": harness.apiKey },
    body: JSON.stringify({ domain: DEMO_DOMAIN }),
  }).then((r) => r.json());
  return created.job.id;
}

/** Waits for the job to end, then checks it completed with every product exported once. */
async function expectExactCompletion(jobId: string) {
  const base = harness.stack.gatewayUrl;
  const done = await pollStatus(base, jobId, (s) => !["pending", "processing"].includes(s.status));
  expect(done.status).toBe("completed");
  expect(done.product_count).toBe(PRODUCTS);
  expect(done.collection_count).toBe(7);
  expect(done.page_count).toBe(5);
  const csv = await fetch(`${base}/api/downloads?jobId=${jobId}&key=products.csv`);
  const rows: Array<Record<string, string>> = parse(await csv.text(), { columns: true, bom: true });
  const titled = rows.filter((r) => r.Title);
  expect(titled.length).toBe(PRODUCTS);
  expect(new Set(titled.map((r) => r.Handle)).size).toBe(PRODUCTS);
}

test("a crawler killed mid-indexing and restarted finishes with exact counts", async () => {
  const base = harness.stack.gatewayUrl;
  const jobId = await createJob();
  const messages = followJob(base, jobId);
  const midway = await pollStatus(base, jobId, (s) => s.product_count > 0);
  expect(midway.product_count).toBeLessThan(PRODUCTS);
  harness.stack.supervisor.kill("crawler", "SIGKILL");
  await Bun.sleep(500);
  harness.stack.supervisor.start("crawler");
  await expectExactCompletion(jobId);
  expect(await maxAttempts(jobId, ["indexing-products"])).toBe(2);
  expect((await messages).at(-1)?.type).toBe("complete");
});

const killPoints: Array<[ServiceName, string[]]> = [
  ["auditor", ["audit"]],
  ["exporter", ["insights", "export"]],
  ["gateway", ["indexing-products"]],
];

for (const [service, steps] of killPoints) {
  test(`the supervisor restarts the ${service} killed mid-job and the job completes`, async () => {
    const base = harness.stack.gatewayUrl;
    const jobId = await createJob();
    // Reconnects while a killed gateway restarts; the replay fills in what it missed.
    const messages = followJob(base, jobId);
    const before = harness.stack.supervisor.pid(service);
    const reached = await pollStatus(base, jobId, (s) => steps.includes(s.step));
    harness.stack.supervisor.kill(service, "SIGKILL", true);
    expect(reached.status).toBe("processing");
    await expectExactCompletion(jobId);
    expect(harness.stack.supervisor.pid(service)).not.toBe(before);
    if (service !== "gateway") expect(await maxAttempts(jobId, steps)).toBeGreaterThanOrEqual(2);
    const received = await messages;
    expect(received.at(-1)?.type).toBe("complete");
    expect(received.filter((m) => m.type === "step").map((m) => m.step)).toContain("export");
  });
}

/** The highest attempt count recorded for any of `steps` of the job. */
async function maxAttempts(jobId: string, steps: string[]): Promise<number> {
  const db = await openDb(harness.world.env.DATABASE_URL ?? "");
  const rows = await db.db.query.jobSteps.findMany({ where: eq(jobSteps.jobId, jobId) });
  db.close();
  return Math.max(0, ...rows.filter((r) => steps.includes(r.step)).map((r) => r.attempts));
}
