import { afterAll, beforeAll, expect, test } from "bun:test";
import { AckPolicy } from "nats";
import { baseConfigSchema } from "./config.ts";
import { type HealthServer, startHealthServer } from "./health-server.ts";
import { trackQueue } from "./metrics.ts";
import { bootService, type ServiceContext } from "./service.ts";
import { createTestWorld, type TestWorld } from "./testing/env.ts";

const TOKEN = "scrape-secret";
let world: TestWorld;
let svc: ServiceContext;
let health: HealthServer;
let base: string;

beforeAll(async () => {
  world = await createTestWorld({
    HEALTH_PORT: "0",
    HEALTH_HOST: "127.0.0.1",
    METRICS_TOKEN: TOKEN,
    NATS_PREFIX: "healthtest",
  });
  svc = await bootService("health-test", baseConfigSchema, world.env);
  const started = startHealthServer(svc);
  if (!started) throw new Error("HEALTH_PORT=0 must start the listener");
  health = started;
  base = `http://127.0.0.1:${health.port}`;
});

afterAll(async () => {
  await health?.stop();
  await svc?.close();
  await world?.stop();
});

const scrape = (token = TOKEN) =>
  fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });

test("no listener without HEALTH_PORT", () => {
  const config = { ...svc.config, HEALTH_PORT: undefined };
  expect(startHealthServer({ ...svc, config })).toBeNull();
});

test("liveness and readiness answer 200 while NATS and the database are up", async () => {
  const live = await fetch(`${base}/healthz`);
  expect(live.status).toBe(200);
  const ready = await fetch(`${base}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ ok: true, nats: "connected", database: "ok" });
  expect((await fetch(`${base}/nope`)).status).toBe(404);
});

test("metrics need the token when METRICS_TOKEN is set", async () => {
  expect((await fetch(`${base}/metrics`)).status).toBe(401);
  expect((await scrape("wrong-secret!")).status).toBe(401);
  const res = await scrape();
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  const text = await res.text();
  expect(text).toContain("# TYPE shopsniffer_jobs_total counter");
  expect(text).toContain("# TYPE shopsniffer_stage_duration_seconds histogram");
  // Every series names its service (the first one booted in this process).
  expect(text).toMatch(/process_resident_memory_bytes\{service="[a-z-]+"\} \d+/);
});

test("queue depth reports a tracked consumer's waiting messages", async () => {
  const durable = svc.names.consumer("export");
  await svc.jsm.consumers.add(svc.names.pipelineStream, {
    durable_name: durable,
    filter_subject: svc.names.stage("export"),
    ack_policy: AckPolicy.Explicit,
  });
  for (const jobId of ["a", "b", "c"]) {
    await svc.js.publish(svc.names.stage("export"), JSON.stringify({ jobId, stage: "export" }));
  }
  trackQueue(svc.jsm, svc.names.pipelineStream, durable);
  const text = await (await scrape()).text();
  const labels = `consumer="${durable}",state="pending"`;
  const line = text.split("\n").find((l) => l.includes(labels));
  expect(line).toBeDefined();
  expect(line?.endsWith(" 3")).toBe(true);
});

test("readiness turns 503 when NATS goes away, and metrics still answer", async () => {
  await world.stop();
  const ready = await fetch(`${base}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({ ok: false, nats: "unreachable" });
  const res = await scrape();
  expect(res.status).toBe(200);
  // The backlog can no longer be sampled, so the series leaves the scrape.
  expect(await res.text()).not.toContain(`consumer="${svc.names.consumer("export")}"`);
});
