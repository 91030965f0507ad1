import { afterAll, beforeAll, expect, test } from "bun:test";
import { insertTestJob } from "@shopsniffer/shared/testing/jobs";
import { ProgressReporter } from "@shopsniffer/shared/jobs/progress";
import { isoNow } from "@shopsniffer/shared/time";
import { followJob } from "../../../scripts/lib/analyze.ts";
import { type GatewayHarness, startGateway } from "./harness.ts";

let gw: GatewayHarness;
let baseUrl: string;

beforeAll(async () => {
  gw = await startGateway();
  const server = gw.app.listen({ port: 0, hostname: "127.0.0.1" });
  baseUrl = `http://127.0.0.1:${server.server?.port}`;
});

afterAll(async () => {
  await gw.app.stop();
  await gw.stop();
});

async function insertJob(status: "completed" | "errored" | "processing") {
  return insertTestJob(gw.svc.db, {
    status,
    completedAt: status === "completed" ? isoNow() : null,
    errorStep: status === "errored" ? "audit" : null,
    errorMessage: status === "errored" ? "store vanished" : null,
    errorCode: status === "errored" ? "not_shopify" : null,
    errorAttempts: status === "errored" ? 2 : null,
  });
}

const reporter = () => new ProgressReporter(gw.svc.js, gw.svc.names, gw.svc.db);

test("a finished job whose final event was lost still ends with it, rebuilt", async () => {
  const id = await insertJob("completed");
  await reporter().status(id, "export", 0.5);
  const messages = await followJob(baseUrl, id);
  expect(messages.map((m) => m.type)).toEqual(["status", "complete"]);
  expect(messages[1]).toMatchObject({ job_id: id, report_url: expect.stringContaining(id) });
});

test("an errored job with no events left gets its error from the database", async () => {
  const id = await insertJob("errored");
  const messages = await followJob(baseUrl, id);
  expect(messages).toEqual([
    expect.objectContaining({ type: "error", job_id: id, step: "audit", attempts: 2 }),
  ]);
});

test("a live client receives events as they are published, then the close", async () => {
  const id = await insertJob("processing");
  const received = followJob(baseUrl, id);
  await Bun.sleep(200);
  await reporter().status(id, "audit", 1);
  await reporter().step(id, "audit", "completed");
  await reporter().publish({ type: "complete", job_id: id, report_url: "x", at: isoNow() });
  expect((await received).map((m) => m.type)).toEqual(["status", "step", "complete"]);
});

test("clients that leave mid-stream do not leave consumers behind", async () => {
  const id = await insertJob("processing");
  await reporter().status(id, "audit", 0.5);
  const count = async () =>
    (await gw.svc.jsm.consumers.list(gw.svc.names.progressStream).next()).length;
  const before = await count();
  const closed = Array.from({ length: 10 }, () => {
    const ws = new WebSocket(`${baseUrl.replace("http", "ws")}/api/ws/${id}`);
    // Leave once the first event arrived, when the session's consumer surely exists.
    ws.addEventListener("message", () => ws.close());
    return new Promise((resolve) => ws.addEventListener("close", resolve));
  });
  await Promise.all(closed);
  const deadline = Date.now() + 5_000;
  while ((await count()) !== before && Date.now() < deadline) await Bun.sleep(50);
  expect(await count()).toBe(before);
});
