import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { inArray } from "drizzle-orm";
import { join } from "node:path";
import { baseConfigSchema } from "@shopsniffer/shared/config";
import { migrateDb, openDb } from "@shopsniffer/shared/db/client";
import { jobs } from "@shopsniffer/shared/db/schema";
import { freePort } from "@shopsniffer/shared/nats/local-server";
import { bootService, type ServiceContext } from "@shopsniffer/shared/service";
import { bootStack } from "@shopsniffer/shared/stack/boot";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { DEMO_DOMAIN, generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { startStorefront } from "@shopsniffer/shared/storefront/server";
import { createTestWorld, type TestWorld } from "@shopsniffer/shared/testing/env";
import { isoNow } from "@shopsniffer/shared/time";
import { gatewayConfigSchema } from "../src/config.ts";
import type { GatewayDeps } from "../src/deps.ts";
import { sweepPendingJobs } from "../src/pending-sweeper.ts";
import { queuePaidJob } from "../src/x402/checkout.ts";
import { pollStatus } from "./stack-harness.ts";

// The last test runs the four services as processes.
setDefaultTimeout(60_000);

const MINUTE_MS = 60_000;
const fetchStore = createStoreFetcher({ origins: new Map(), timeoutMs: 1_000 });
let world: TestWorld;
let svc: ServiceContext;

beforeAll(async () => {
  world = await createTestWorld();
  svc = await bootService("sweep-test", baseConfigSchema, world.env);
});

afterAll(async () => {
  await svc?.close();
  await world?.stop();
});

/** A `pending` job as a gateway that died before queueing it leaves it, `ageMs` old. */
async function pendingJob(db: ServiceContext["db"], ageMs: number): Promise<string> {
  const id = crypto.randomUUID();
  const at = isoNow(new Date(Date.now() - ageMs));
  const row = { id, domain: DEMO_DOMAIN, slug: "demo", status: "pending" as const };
  await db.write((handle) => handle.insert(jobs).values({ ...row, createdAt: at, updatedAt: at }));
  return id;
}

/** The job ids of the messages in the pipeline stream, oldest first. */
async function queued(): Promise<string[]> {
  const { state } = await svc.jsm.streams.info(svc.names.pipelineStream);
  const ids: string[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const msg = await svc.jsm.streams
      .getMessage(svc.names.pipelineStream, { seq })
      .catch(() => null);
    if (msg) ids.push(msg.json<{ jobId: string }>().jobId);
  }
  return ids;
}

/** Marks jobs as picked up, so later sweeps leave them alone. */
async function pickedUp(...ids: string[]) {
  await svc.db.write((db) =>
    db.update(jobs).set({ status: "processing" }).where(inArray(jobs.id, ids)),
  );
}

/** Empties the pipeline stream between tests. */
const purge = () => svc.jsm.streams.purge(svc.names.pipelineStream);

test("a job left pending is queued once, however many gateways sweep", async () => {
  await purge();
  const orphan = await pendingJob(svc.db, 2 * MINUTE_MS);
  const fresh = await pendingJob(svc.db, 0);
  const sweeps = await Promise.all([1, 2, 3].map(() => sweepPendingJobs(svc, MINUTE_MS)));
  expect(sweeps.flat()).toEqual([orphan]);
  expect(await sweepPendingJobs(svc, MINUTE_MS)).toEqual([]);
  expect(await queued()).toEqual([orphan]);
  await pickedUp(orphan, fresh);
});

test("an old pending job still waiting in a busy queue is not queued twice", async () => {
  await purge();
  // Queued 20 minutes ago behind a long backlog: past the msgID's duplicate window, so a
  // message without one stands for it.
  const waiting = await pendingJob(svc.db, 20 * MINUTE_MS);
  await svc.js.publish(
    svc.names.stage("sitemap"),
    JSON.stringify({ jobId: waiting, stage: "sitemap" }),
  );
  const lost = await pendingJob(svc.db, 30 * MINUTE_MS);
  expect(await sweepPendingJobs(svc, MINUTE_MS)).toEqual([]);
  expect(await queued()).toEqual([waiting]);
  // Once the queue is empty, the job that never reached it is queued.
  await purge();
  expect(await sweepPendingJobs(svc, MINUTE_MS)).toEqual([lost, waiting]);
  expect(await queued()).toEqual([lost, waiting]);
  await pickedUp(lost, waiting);
});

test("a paid job the queue refused stays pending, and a sweep queues it", async () => {
  await purge();
  // A gateway whose NATS connection is gone when a settled payment's job is queued.
  const refused = await bootService("paid-refused", gatewayConfigSchema, world.env);
  await refused.nc.close();
  const deps: GatewayDeps = { svc: refused, fetchStore, checkStore: async () => {} };
  const reserved = {
    id: crypto.randomUUID(),
    domain: DEMO_DOMAIN,
    slug: "demo",
    webhookUrl: null,
    notifyEmail: null,
    type: "full",
    indexer: "default",
  };
  try {
    const job = await queuePaidJob(deps, reserved);
    expect(job).toMatchObject({ id: reserved.id, status: "pending" });
  } finally {
    await refused.close();
  }
  const [row] = await svc.db.db
    .select()
    .from(jobs)
    .where(inArray(jobs.id, [reserved.id]));
  expect(row).toMatchObject({ status: "pending", errorCode: null });
  await Bun.sleep(1_100); // job times have whole seconds: let it be older than "now"
  expect(await sweepPendingJobs(svc, 0)).toEqual([reserved.id]);
  expect(await queued()).toEqual([reserved.id]);
  await pickedUp(reserved.id);
});

test("the sweeper's query of old pending jobs searches the (status, created_at) index", async () => {
  const plan = await svc.db.client.execute({
    sql:
      "EXPLAIN QUERY PLAN SELECT * FROM jobs WHERE status = 'pending' AND created_at < ? " +
      "ORDER BY created_at LIMIT 100",
    args: [isoNow()],
  });
  const details = plan.rows.map((row) => String(row.detail));
  expect(details.join("\n")).toContain("SEARCH jobs USING INDEX jobs_status_created");
  expect(details.join("\n")).not.toContain("TEMP B-TREE");
});

test("the stack completes a job a crashed gateway left pending", async () => {
  const store = await startStorefront({ store: generateDemoStore({ productCount: 20 }) });
  const stackWorld = await createTestWorld({ STORE_ORIGINS: `${DEMO_DOMAIN}=${store.origin}` });
  const db = await openDb(stackWorld.env.DATABASE_URL ?? "");
  await migrateDb(db);
  const id = await pendingJob(db, 5 * MINUTE_MS);
  db.close();
  const port = freePort();
  const stack = await bootStack({
    env: {
      ...process.env,
      ...stackWorld.env,
      PORT: String(port),
      LISTEN_HOST: "127.0.0.1",
      JOB_PENDING_SWEEP_MS: "300",
      JOB_PENDING_REQUEUE_AFTER_MS: "1000",
    },
    output: { dir: join(stackWorld.dataDir, "logs") },
  });
  try {
    const done = await pollStatus(stack.gatewayUrl, id, (s) => s.status === "completed", 45_000);
    expect(done).toMatchObject({ status: "completed" });
  } finally {
    await stack.stop();
    await stackWorld.stop();
    await store.stop();
  }
});
