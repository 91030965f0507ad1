import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { eq } from "drizzle-orm";
import { parse } from "csv-parse/sync";
import { openDb } from "@shopsniffer/shared/db/client";
import { jobSteps } from "@shopsniffer/shared/db/schema";
import { type Step, steps } from "@shopsniffer/shared/contracts/stages";
import type { ServiceName } from "@shopsniffer/shared/stack/supervisor";
import { DEMO_DOMAIN, generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import { followJob } from "../../../scripts/lib/analyze.ts";
import { exportHash } from "./chaos-stack.ts";
import { pollStatus, type StackHarness, startStackHarness } from "./stack-harness.ts";

// SIGKILL each service at each point of a job, let the supervisor restart it, and check the
// job ends exactly as a clean run of the same store does. One stack serves every case.
// Generous limits: on a shared 2-core machine a job can take a minute.
setDefaultTimeout(300_000);
const WAIT_MS = 240_000;

const PRODUCTS = 1_000;
const EXPORTS = ["products.json", "products.csv", "collections.json", "pages.json"];

let store: RunningStorefront;
let harness: StackHarness;
let cleanHashes: string[][];

beforeAll(async () => {
  // 250 ms a JSON answer makes indexing last a few seconds. The sitemap index and meta.json
  // (read by the audit) answer slowly, so those stages are still running when killed.
  store = await startStorefront(
    { store: generateDemoStore({ productCount: PRODUCTS }) },
    {
      latencyMs: 250,
      intercept: async (request) => {
        const path = new URL(request.url).pathname;
        if (path === "/meta.json" || path === "/sitemap.xml") await Bun.sleep(1_500);
        return undefined;
      },
    },
  );
  harness = await startStackHarness({
    STORE_ORIGINS: `${DEMO_DOMAIN}=${store.origin}`,
    // Static HTML audits keep the suite short; the slow meta.json keeps the audit killable.
    AUDIT_BROWSER: "off",
    // Short enough that a killed stage comes back soon, long enough that a busy machine's
    // slow event loop does not miss the heartbeats that keep a running stage.
    STAGE_ACK_WAIT_MS: "5000",
  });
  // Two clean runs at once: the reference exports, and proof that they are reproducible.
  const clean = await Promise.all([createJob(), createJob()]);
  await Promise.all(clean.map(expectExactCompletion));
  cleanHashes = await Promise.all(clean.map(hashes));
}, 300_000);

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

const hashes = (jobId: string) =>
  Promise.all(EXPORTS.map((key) => exportHash(harness.stack.gatewayUrl, jobId, key)));

/** Waits for the job to end, then checks it completed with every product exported once. */
async function expectExactCompletion(jobId: string) {
  const base = harness.stack.gatewayUrl;
  const done = await pollStatus(base, jobId, (s) => isFinal(s.status), WAIT_MS);
  // The job's error, if any, shows in the failure message.
  const { job } = await fetch(`${base}/api/jobs?id=${jobId}`).then((r) => r.json());
  expect({ status: job.status, error: job.error }).toEqual({ status: "completed", error: null });
  expect(done.product_count).toBe(PRODUCTS);
  expect(done.collection_count).toBe(7);
  expect(done.page_count).toBe(5);
  const csv = await fetch(`${base}/api/downloads?jobId=${jobId}&key=products.csv`);
  const rows: Array<Record<string, string>> = parse(await csv.text(), { columns: true, bom: true });
  const titled = rows.filter((r) => r.Title);
  expect(titled.length).toBe(PRODUCTS);
  expect(new Set(titled.map((r) => r.Handle)).size).toBe(PRODUCTS);
}

test("a clean run's exports are reproducible: two clean runs give the same bytes", () => {
  expect(cleanHashes[1]).toEqual(cleanHashes[0] ?? []);
});

/** Where to SIGKILL a service: once the job reaches `step` (and `when` holds, if given). */
interface KillPoint {
  service: ServiceName;
  step: Step;
  /**
   * The service is working on this step when killed (the slow store makes it last), so the
   * step must run again. The other points are steps too quick to catch (pagespeed without a
   * provider, insights, notify) or a service with no work in them (the gateway).
   */
  midStage: boolean;
  when?: (status: Record<string, any>) => boolean;
}

/**
 * Each tour runs one job and kills services in turn as it goes; one job per tour keeps the
 * suite short. Every service is killed at every step it runs, the gateway at three.
 */
const tours: KillPoint[][] = [
  [
    { service: "crawler", step: "sitemap", midStage: true },
    { service: "auditor", step: "audit", midStage: true },
    {
      service: "crawler",
      step: "indexing-products",
      midStage: true,
      when: (s) => s.product_count > 0,
    },
    { service: "exporter", step: "insights", midStage: false },
    { service: "gateway", step: "export", midStage: false },
  ],
  [
    { service: "gateway", step: "sitemap", midStage: false },
    { service: "crawler", step: "indexing-collections", midStage: false },
    { service: "auditor", step: "pagespeed", midStage: false },
    { service: "exporter", step: "export", midStage: false },
  ],
  [
    { service: "gateway", step: "indexing-products", midStage: false },
    { service: "exporter", step: "notify-callbacks", midStage: false },
  ],
];

for (const tour of tours) {
  const names = tour.map((p) => `${p.service} at ${p.step}`).join(", ");
  test(`killed and restarted (${names}): the job ends as a clean run`, async () => {
    const base = harness.stack.gatewayUrl;
    const jobId = await createJob();
    // Reconnects while a killed gateway restarts; the replay fills in what it missed.
    const messages = followJob(base, jobId);
    for (const point of tour) await killAt(jobId, point);
    await expectExactCompletion(jobId);
    for (const point of tour.filter((p) => p.midStage)) {
      expect(await maxAttempts(jobId, [point.step])).toBeGreaterThanOrEqual(2);
    }
    const received = await messages;
    expect(received.filter((m) => m.type === "complete")).toHaveLength(1);
    expect(received.at(-1)?.type).toBe("complete");
    expect(received.filter((m) => m.type === "step").map((m) => m.step)).toContain("export");
    expect(await hashes(jobId)).toEqual(cleanHashes[0] ?? []);
  });
}

/** Waits for the point, SIGKILLs the service and starts it again; checks it was mid-step. */
async function killAt(jobId: string, point: KillPoint) {
  const base = harness.stack.gatewayUrl;
  const reached = (s: Record<string, any>) =>
    isFinal(s.status) ||
    steps.indexOf(s.step) > steps.indexOf(point.step) ||
    (s.step === point.step &&
      (!point.midStage || s.status === "processing") &&
      (point.when?.(s) ?? true));
  const at = await pollStatus(base, jobId, reached, WAIT_MS);
  const before = harness.stack.supervisor.pid(point.service);
  harness.stack.supervisor.kill(point.service, "SIGKILL");
  await Bun.sleep(200);
  harness.stack.supervisor.start(point.service);
  if (point.midStage) expect(at).toMatchObject({ status: "processing", step: point.step });
  expect(harness.stack.supervisor.pid(point.service)).not.toBe(before);
}

const isFinal = (status: string) => status === "completed" || status === "errored";

/** The highest attempt count recorded for any of `steps` of the job. */
async function maxAttempts(jobId: string, steps: string[]): Promise<number> {
  const db = await openDb(harness.world.env.DATABASE_URL ?? "");
  const rows = await db.db.query.jobSteps.findMany({ where: eq(jobSteps.jobId, jobId) });
  db.close();
  return Math.max(0, ...rows.filter((r) => steps.includes(r.step)).map((r) => r.attempts));
}
