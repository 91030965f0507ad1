import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LocalNats } from "@shopsniffer/shared/nats/local-server";
import type { ServiceName } from "@shopsniffer/shared/stack/supervisor";
import { DEMO_DOMAIN, generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import { startTestNats } from "@shopsniffer/shared/testing/nats";
import { pollStatus, type StackHarness, startStackHarness } from "./stack-harness.ts";

// The four services run as processes; a job takes seconds.
setDefaultTimeout(90_000);

const TOKEN = "metrics-test-token";
const SERVICES = ["gateway", "crawler", "auditor", "exporter"] as const;
const STAGES_OF = {
  gateway: [],
  crawler: ["sitemap", "indexing"],
  auditor: ["audit", "pagespeed"],
  exporter: ["insights", "export", "notify"],
} as const satisfies Record<ServiceName, readonly string[]>;

let nats: LocalNats;
let store: RunningStorefront;
let receiver: ReturnType<typeof Bun.serve>;
const webhooks: string[] = [];
let harness: StackHarness;
const healthPorts = new Map<ServiceName, number>();

beforeAll(async () => {
  nats = await startTestNats();
  receiver = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request) => {
      webhooks.push(await request.text());
      return new Response(null, { status: 204 });
    },
  });
  store = await startStorefront(
    { store: generateDemoStore({ productCount: 300 }) },
    { latencyMs: 100 },
  );
  harness = await startStackHarness({
    NATS_URL: nats.url,
    STORE_ORIGINS: `${DEMO_DOMAIN}=${store.origin}`,
    HEALTH_PORT: "0",
    HEALTH_HOST: "127.0.0.1",
    METRICS_TOKEN: TOKEN,
    WEBHOOK_ALLOW_PRIVATE: "true",
    // The health listener's port is read from its "health listening" log line.
    LOG_LEVEL: "info",
  });
  for (const name of SERVICES) healthPorts.set(name, await healthPortOf(name));
}, 60_000);

afterAll(async () => {
  await harness?.stop();
  await nats?.stop();
  await store?.stop();
  await receiver?.stop(true);
}, 30_000);

/** Waits for the service's log to name the port its health listener bound. */
async function healthPortOf(name: ServiceName): Promise<number> {
  const file = join(harness.world.dataDir, "logs", `${name}.log`);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const text = await Bun.file(file)
      .text()
      .catch(() => "");
    const line = text.split("\n").find((l) => l.includes('"msg":"health listening"'));
    if (line) return JSON.parse(line).port;
    await Bun.sleep(100);
  }
  throw new Error(`${name} never logged its health port: ${readFileSync(file, "utf8")}`);
}

const ops = (name: ServiceName, path: string, token = TOKEN) =>
  fetch(`http://127.0.0.1:${healthPorts.get(name)}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });

async function scrape(name: ServiceName): Promise<string> {
  const res = await ops(name, "/metrics");
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of the first sample whose line contains every one of `parts`, or undefined. */
function sample(text: string, name: string, ...parts: string[]): number | undefined {
  const line = text
    .split("\n")
    .find((l) => l.startsWith(`${name}{`) && parts.every((part) => l.includes(part)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

/** How many attempts of `stage` succeeded, per a scrape; undefined before the first. */
const stageCount = (text: string, stage: string) =>
  sample(text, "shopsniffer_stage_duration_seconds_count", `stage="${stage}"`, 'outcome="ok"');

async function gatewayMetrics(token = TOKEN) {
  return fetch(`${harness.stack.gatewayUrl}/api/metrics`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: last saw ${JSON.stringify(value)}`);
    await Bun.sleep(100);
  }
}

test("every service is live and ready while NATS and the database are up", async () => {
  for (const name of SERVICES) {
    expect((await ops(name, "/healthz")).status).toBe(200);
    const ready = await ops(name, "/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, nats: "connected", database: "ok" });
  }
  expect((await fetch(`${harness.stack.gatewayUrl}/api/health`)).status).toBe(200);
});

test("metrics need the token on the health listener and on the gateway", async () => {
  expect((await ops("crawler", "/metrics", "nope")).status).toBe(401);
  expect((await fetch(`${harness.stack.gatewayUrl}/api/metrics`)).status).toBe(401);
  expect((await gatewayMetrics()).status).toBe(200);
});

test("a job moves the counters of every service", async () => {
  const before = await scrape("exporter");
  const completedBefore = sample(before, "shopsniffer_jobs_total", 'outcome="completed"') ?? 0;

  const created = await fetch(`${harness.stack.gatewayUrl}/api/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": harness.apiKey },
    body: JSON.stringify({
      domain: DEMO_DOMAIN,
      webhook_url: `http://127.0.0.1:${receiver.port}/hook`,
    }),
  }).then((r) => r.json());
  const jobId: string = created.job.id;

  // A progress socket open during the job shows in the gateway's connection gauge.
  const socket = new WebSocket(`${harness.stack.gatewayUrl.replace("http", "ws")}/api/ws/${jobId}`);
  const closed = new Promise((resolve) => socket.addEventListener("close", resolve));
  const gauge = async () =>
    sample(await (await gatewayMetrics()).text(), "shopsniffer_websocket_connections");
  await until(gauge, (open) => open === 1, "open sockets");

  const done = await pollStatus(
    harness.stack.gatewayUrl,
    jobId,
    (s) => s.status !== "pending" && s.status !== "processing",
  );
  // The whole status on failure says which step went wrong.
  expect(done).toMatchObject({ status: "completed" });
  await closed;
  await until(gauge, (open) => open === 0, "open sockets after the job");

  // A stage is counted after its message is acked, which is after the job is marked
  // completed (the last stage) or the next stage has started: a scrape right after the job
  // ends may come before it, so scrape until every stage shows.
  const completed = await until(
    async () => sample(await scrape("exporter"), "shopsniffer_jobs_total", 'outcome="completed"'),
    (count) => (count ?? 0) > completedBefore,
    "completed jobs",
  );
  expect(completed).toBe(completedBefore + 1);
  for (const name of SERVICES) {
    const text = await until(
      () => scrape(name),
      (t) => STAGES_OF[name].every((stage) => stageCount(t, stage) !== undefined),
      `${name} stage counts`,
    );
    for (const stage of STAGES_OF[name]) {
      const count = stageCount(text, stage);
      expect({ stage, count }).toEqual({ stage, count: 1 });
      // A backlog NATS does not describe within a second is left out of that scrape (a busy
      // machine), so scrape again until it shows.
      const pending = await until(
        async () =>
          sample(
            await scrape(name),
            "shopsniffer_queue_messages",
            `consumer="shopsniffer-stage-${stage}"`,
            'state="pending"',
          ),
        (value) => value !== undefined,
        `${stage} backlog`,
      );
      expect({ stage, pending }).toEqual({ stage, pending: 0 });
    }
    expect(text).toContain(`service="${name}"`);
  }

  const delivered = await until(
    async () =>
      sample(
        await scrape("exporter"),
        "shopsniffer_notification_attempts_total",
        'kind="webhook"',
        'outcome="delivered"',
      ),
    (count) => count === 1,
    "webhook attempts",
  );
  expect(delivered).toBe(1);
  expect(webhooks.length).toBe(1);

  const crawler = await scrape("crawler");
  const okRequests = sample(
    crawler,
    "shopsniffer_crawl_requests_total",
    `host="${DEMO_DOMAIN}"`,
    'status="200"',
  );
  expect(okRequests).toBeGreaterThan(2);
  const gateway = await (await gatewayMetrics()).text();
  const posts = sample(
    gateway,
    "shopsniffer_http_request_duration_seconds_count",
    'method="POST"',
    'status="201"',
  );
  expect(posts).toBeGreaterThanOrEqual(1);
});

test("readiness turns 503 on every service when NATS stops", async () => {
  await nats.stop();
  for (const name of SERVICES) {
    const ready = await until(
      () => ops(name, "/readyz").then((r) => r.status),
      (status) => status === 503,
      `${name} readiness`,
    );
    expect(ready).toBe(503);
    expect((await ops(name, "/healthz")).status).toBe(200);
  }
  const health = await fetch(`${harness.stack.gatewayUrl}/api/health`);
  expect(health.status).toBe(503);
  expect(await health.json()).toMatchObject({ ok: false, nats: "unreachable", database: "ok" });
});
