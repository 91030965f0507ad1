import { afterAll, beforeAll, expect, test } from "bun:test";
import { insertTestJob } from "@shopsniffer/shared/testing/jobs";
import { ProgressReporter } from "@shopsniffer/shared/jobs/progress";
import { type GatewayHarness, startGateway } from "./harness.ts";

/** Bun's WebSocket takes request headers; the DOM typings in scope do not know that option. */
const WebSocketWithHeaders = WebSocket as unknown as new (
  url: string,
  options: { headers: Record<string, string> },
) => WebSocket;

let gw: GatewayHarness;
let baseUrl: string;

beforeAll(async () => {
  // One trusted proxy: each test client names its address in X-Forwarded-For.
  gw = await startGateway({ WS_MAX_PER_CLIENT: "2", WS_MAX_PER_JOB: "3", TRUST_PROXY: "1" });
  const server = gw.app.listen({ port: 0, hostname: "127.0.0.1" });
  baseUrl = `http://127.0.0.1:${server.server?.port}`;
});

afterAll(async () => {
  await gw.app.stop(true);
  await gw.stop();
});

/** A processing job with one event, so a socket that has received it is surely counted. */
async function processingJob(): Promise<string> {
  const id = await insertTestJob(gw.svc.db);
  await new ProgressReporter(gw.svc.js, gw.svc.names, gw.svc.db).status(id, "audit", 0.5);
  return id;
}

/** A socket from `address` that has received its first frame. */
async function follow(jobId: string, address: string): Promise<WebSocket> {
  const url = `${baseUrl.replace("http", "ws")}/api/ws/${jobId}`;
  const ws = new WebSocketWithHeaders(url, { headers: { "x-forwarded-for": address } });
  await new Promise((resolve, reject) => {
    ws.addEventListener("message", resolve, { once: true });
    ws.addEventListener("close", (event) => reject(new Error(`closed ${event.code}`)));
  });
  return ws;
}

/** The answer to a WebSocket upgrade request from `address`, as plain HTTP. */
function upgrade(jobId: string, address: string): Promise<Response> {
  return fetch(`${baseUrl}/api/ws/${jobId}`, {
    headers: {
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-key": btoa("0123456789abcdef"),
      "sec-websocket-version": "13",
      "x-forwarded-for": address,
    },
  });
}

function closed(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => ws.addEventListener("close", resolve));
}

/** Waits until the gateway lets `address` open a socket again (its close is processed). */
async function followWhenFree(jobId: string, address: string): Promise<WebSocket> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const ws = await follow(jobId, address).catch((error: Error) => error);
    if (ws instanceof WebSocket) return ws;
    if (Date.now() > deadline) throw ws;
    await Bun.sleep(50);
  }
}

test("one client past WS_MAX_PER_CLIENT is refused with a 429 until one of its sockets closes", async () => {
  const [jobA, jobB] = [await processingJob(), await processingJob()];
  const first = await follow(jobA, "203.0.113.1");
  const second = await follow(jobB, "203.0.113.1");

  const refused = await upgrade(jobA, "203.0.113.1");
  expect(refused.status).toBe(429);
  expect(await refused.json()).toEqual({
    error: "Too many progress connections from this client",
    code: "rate_limited",
  });
  // Another address is not held back by this one's sockets.
  const other = await follow(jobA, "203.0.113.2");

  first.close();
  await closed(first);
  const again = await followWhenFree(jobA, "203.0.113.1");
  for (const ws of [second, other, again]) ws.close();
});

test("a socket that ends abnormally gives its place back", async () => {
  const job = await processingJob();
  const sockets = [await follow(job, "198.51.100.7"), await follow(job, "198.51.100.7")];
  expect((await upgrade(job, "198.51.100.7")).status).toBe(429);

  // No close handshake: the server sees the connection drop (1006).
  const dropped = sockets.shift() as WebSocket & { terminate(): void };
  dropped.terminate();
  sockets.push(await followWhenFree(job, "198.51.100.7"));
  for (const ws of sockets) ws.close();
});

test("a job past WS_MAX_PER_JOB is refused whoever asks", async () => {
  const job = await processingJob();
  const open = [
    await follow(job, "192.0.2.1"),
    await follow(job, "192.0.2.2"),
    await follow(job, "192.0.2.3"),
  ];
  const refused = await upgrade(job, "192.0.2.4");
  expect(refused.status).toBe(429);
  expect(await refused.json()).toEqual({
    error: "Too many progress connections for this job",
    code: "rate_limited",
  });
  // Other jobs are not affected.
  const elsewhere = await follow(await processingJob(), "192.0.2.4");
  for (const ws of [...open, elsewhere]) ws.close();
});

test("a burst of sockets from one client never gets more than the cap open", async () => {
  const job = await processingJob();
  const url = `${baseUrl.replace("http", "ws")}/api/ws/${job}`;
  const burst = Array.from(
    { length: 6 },
    () => new WebSocketWithHeaders(url, { headers: { "x-forwarded-for": "203.0.113.50" } }),
  );
  const outcomes = await Promise.all(
    burst.map(
      (ws) =>
        new Promise<string>((resolve) => {
          ws.addEventListener("message", () => resolve("open"), { once: true });
          ws.addEventListener("close", (e) => resolve(`${e.code} ${e.reason}`.trim()));
        }),
    ),
  );
  expect(outcomes.filter((o) => o === "open")).toHaveLength(2);
  for (const outcome of outcomes.filter((o) => o !== "open")) {
    // Refused before the upgrade (a browser sees 1006), or closed with 1008 if it got past.
    expect(["1006", "1008 Too many progress connections from this client"]).toContain(outcome);
  }
  for (const ws of burst) ws.close();
});
