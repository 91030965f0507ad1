import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { sql } from "drizzle-orm";
import { openDb } from "@shopsniffer/shared/db/client";
import { DEMO_DOMAIN, generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import type { FaultKind } from "@shopsniffer/shared/storefront/faults";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import { followJob } from "../../../scripts/lib/analyze.ts";
import { type Cluster, createJob, startCluster } from "./chaos-stack.ts";
import { pollStatus } from "./stack-harness.ts";

// A NATS restart, stores that stall, reset or cut answers short, and a burst of jobs, all on
// one stack. Limits are generous: on a shared 2-core machine a job can take a minute.
setDefaultTimeout(300_000);

const WAIT_MS = 240_000;
const FETCH_TIMEOUT_MS = 1_000;
const PRODUCTS = 500;
/** How many jobs the burst submits; CHAOS_BURST_JOBS lowers it for a quick local run. */
const BURST = Number(process.env.CHAOS_BURST_JOBS ?? 1_000);
/** How long the burst's jobs get to finish: 0.6 s a job, at least four minutes. */
const BURST_WAIT_MS = Math.max(WAIT_MS, BURST * 600);
const faultKinds: FaultKind[] = ["stall", "reset", "truncated-json"];

const stores: RunningStorefront[] = [];
let cluster: Cluster;
let gateway: string;

beforeAll(async () => {
  const slow = await startStorefront(
    { store: generateDemoStore({ productCount: PRODUCTS }) },
    { latencyMs: 150 },
  );
  const tiny = await startStorefront({
    store: generateDemoStore({ domain: "tiny.example", productCount: 1 }),
  });
  const origins = [`${DEMO_DOMAIN}=${slow.origin}`, `tiny.example=${tiny.origin}`];
  stores.push(slow, tiny);
  for (const kind of faultKinds) {
    // The fault answers the product lists three times, then the store recovers.
    const store = await startStorefront(
      { store: generateDemoStore({ domain: `${kind}.example`, productCount: 30 }) },
      { faults: [{ kind, match: /^\/products\.json/, times: 3 }] },
    );
    stores.push(store);
    origins.push(`${kind}.example=${store.origin}`);
  }
  cluster = await startCluster({
    database: "file",
    instances: [["gateway", "crawler", "auditor", "exporter"]],
    env: {
      STORE_ORIGINS: origins.join(","),
      STORE_FETCH_TIMEOUT_MS: String(FETCH_TIMEOUT_MS),
      STAGE_ACK_WAIT_MS: "10000",
      RATE_LIMIT_ENABLED: "false",
      // The audit reads the static HTML: a headless browser per tiny job would make the
      // burst a benchmark of Chromium on two cores.
      AUDIT_BROWSER: "off",
      CRAWLER_JOB_CONCURRENCY: "8",
      AUDITOR_CONCURRENCY: "8",
      EXPORTER_CONCURRENCY: "8",
    },
  });
  gateway = cluster.instances[0]?.gatewayUrl ?? "";
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await Promise.all(stores.map((store) => store.stop()));
}, 30_000);

const isFinal = (status: string) => status === "completed" || status === "errored";

test("nats-server killed mid-job and restarted on its port and store: the job finishes", async () => {
  const jobId = await createJob(gateway, cluster.apiKey, DEMO_DOMAIN);
  const messages = followJob(gateway, jobId);
  const mid = (s: Record<string, any>) => s.step === "indexing-products" && s.product_count > 0;
  await pollStatus(gateway, jobId, (s) => mid(s) || isFinal(s.status), WAIT_MS);
  await cluster.nats.restart(1_000);
  const done = await pollStatus(gateway, jobId, (s) => isFinal(s.status), WAIT_MS);
  expect(done).toMatchObject({ status: "completed", product_count: PRODUCTS });
  const received = await messages;
  expect(received.at(-1)).toMatchObject({ type: "complete", job_id: jobId });
});

describe("a storefront that misbehaves on its product lists", () => {
  for (const kind of faultKinds) {
    test(`${kind}: the job ends complete, or errored with its reason, within its limits`, async () => {
      const started = Date.now();
      const jobId = await createJob(gateway, cluster.apiKey, `${kind}.example`);
      const done = await pollStatus(gateway, jobId, (s) => isFinal(s.status), WAIT_MS);
      const { job } = await fetch(`${gateway}/api/jobs?id=${jobId}`).then((r) => r.json());
      if (done.status === "completed") {
        const products = job.steps.find((s: any) => s.step === "indexing-products");
        // Every product, or a catalog outcome that says what is missing.
        if (done.product_count !== 30) expect(products.detail.outcome).not.toBe("complete");
        else expect(done.product_count).toBe(30);
      } else {
        expect(job.error.message.length).toBeGreaterThan(10);
        expect(job.error.step).toBe("indexing-products");
      }
      // Three faulted answers cost at most three fetch time-outs and the retry waits.
      expect(Date.now() - started).toBeLessThan(WAIT_MS);
    });
  }
});

test(
  `${BURST} jobs submitted in a burst all reach a final state; none is lost`,
  async () => {
    const started = Date.now();
    const accepted: string[] = [];
    const refused: Array<{ status: number; error?: string }> = [];
    const submit = async () => {
      const res = await fetch(`${gateway}/api/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": cluster.apiKey },
        body: JSON.stringify({ domain: "tiny.example" }),
      });
      const body = (await res.json()) as { job?: { id: string }; error?: string };
      if (res.status === 201 && body.job) accepted.push(body.job.id);
      else refused.push({ status: res.status, error: body.error });
    };
    // 50 requests in flight at once, as many clients would send them.
    let sent = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (sent < BURST) {
          sent += 1;
          await submit();
        }
      }),
    );
    expect(accepted.length + refused.length).toBe(BURST);
    // A refusal is a clear answer: a 4xx (e.g. the store check timing out under the burst) or
    // a 503, with a message; never a 500.
    for (const { status, error } of refused) {
      expect(status === 503 || (status >= 400 && status < 500)).toBe(true);
      expect(error?.length ?? 0).toBeGreaterThan(0);
    }
    expect(accepted.length).toBeGreaterThan(BURST / 2);

    const counts = await waitForFinal(new Set(accepted), started + BURST_WAIT_MS);
    expect(counts.pending + counts.processing).toBe(0);
    expect(counts.completed + counts.errored).toBe(accepted.length);
    // Under the burst a tiny store can miss the 1 s fetch time-out set for the stall case; such
    // a job errors with its reason, never silently.
    for (const reason of counts.reasons) expect(reason.length).toBeGreaterThan(10);
    expect(counts.completed).toBeGreaterThan(accepted.length * 0.8);
  },
  BURST_WAIT_MS + 120_000,
);

/** Polls the database until every job in `ids` is final or the deadline passes. */
async function waitForFinal(ids: Set<string>, deadline: number) {
  const db = await openDb(cluster.env.DATABASE_URL ?? "");
  try {
    for (;;) {
      const rows = await db.db.all<{ id: string; status: string; reason: string | null }>(
        sql`SELECT id, status, error_message AS reason FROM jobs`,
      );
      const counts = {
        pending: 0,
        processing: 0,
        completed: 0,
        errored: 0,
        reasons: [] as string[],
      };
      for (const row of rows) {
        if (!ids.has(row.id)) continue;
        counts[row.status as "pending" | "processing" | "completed" | "errored"] += 1;
        if (row.status === "errored") counts.reasons.push(row.reason ?? "");
      }
      if (counts.pending + counts.processing === 0 || Date.now() > deadline) return counts;
      await Bun.sleep(1_000);
    }
  } finally {
    db.close();
  }
}
