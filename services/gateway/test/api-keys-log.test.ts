import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { freePort } from "@shopsniffer/shared/nats/local-server";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import { createTestWorld, type TestWorld } from "@shopsniffer/shared/testing/env";
import { cookieOf, STORE_DOMAIN } from "./auth-harness.ts";

// Sign-ups hash passwords with scrypt and every gateway boots NATS: slow on a busy machine.
setDefaultTimeout(60_000);

// The gateway runs as its own process at LOG_LEVEL=trace, and its whole stdout is searched.
let world: TestWorld;
let store: RunningStorefront;
let gateway: ReturnType<typeof Bun.spawn>;
let url: string;
const output: string[] = [];

beforeAll(async () => {
  store = await startStorefront({ store: generateDemoStore({ productCount: 3 }) });
  world = await createTestWorld();
  const port = freePort();
  url = `http://127.0.0.1:${port}`;
  gateway = Bun.spawn([process.execPath, join(import.meta.dir, "../src/main.ts")], {
    env: {
      ...process.env,
      ...world.env,
      PORT: String(port),
      LISTEN_HOST: "127.0.0.1",
      LOG_LEVEL: "trace",
      STORE_ORIGINS: `${STORE_DOMAIN}=${store.origin}`,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  void collect(gateway.stdout as ReadableStream<Uint8Array>);
  void collect(gateway.stderr as ReadableStream<Uint8Array>);
  const deadline = Date.now() + 30_000;
  while (!output.join("").includes("gateway listening")) {
    if (Date.now() > deadline) throw new Error(`gateway did not start:\n${output.join("")}`);
    await Bun.sleep(50);
  }
}, 60_000);

afterAll(async () => {
  gateway?.kill();
  await gateway?.exited;
  await world?.stop();
  await store?.stop();
});

async function collect(stream: ReadableStream<Uint8Array>) {
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    output.push(decoder.decode(read.value, { stream: true }));
  }
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

test("no raw API key, password or session token ever reaches the log", async () => {
  const password = `pw-${crypto.randomUUID()}`;
  const signUp = await post("/api/auth/sign-up/email", {
    email: "logs@example.com",
    password,
    name: "Logs",
  });
  expect(signUp.status).toBe(200);
  const cookie = cookieOf(signUp);
  const token = cookie.split("=")[1]?.split(".")[0] ?? "";
  expect(token.length).toBeGreaterThan(10);

  const created = await (await post("/api/api-keys", { name: "secret" }, { cookie })).json();
  const key = created.key as string;
  expect(key).toStartWith("ss_live_");
  const job = { domain: STORE_DOMAIN };
  expect((await post("/api/jobs", job, { "x-api-key": key })).status).toBe(201);
  // A key in a query string, a near-miss key, a revoked key and a wrong password.
  await fetch(`${url}/api/jobs?id=${key}`);
  const nearMiss = `${key.slice(0, -1)}x`;
  expect((await post("/api/jobs", job, { "x-api-key": nearMiss })).status).toBe(401);
  const revoked = await fetch(`${url}/api/api-keys/${created.id}`, {
    method: "DELETE",
    headers: { cookie },
  });
  expect(revoked.status).toBe(200);
  expect((await post("/api/jobs", job, { "x-api-key": key })).status).toBe(401);
  const wrong = await post("/api/auth/sign-in/email", {
    email: "logs@example.com",
    password: `${password}-wrong`,
  });
  expect(wrong.status).toBe(401);

  await Bun.sleep(200);
  const log = output.join("");
  // The capture works: each request above left a line.
  expect(log.match(/"msg":"request"/g)?.length ?? 0).toBeGreaterThanOrEqual(7);
  expect(log).toContain("BETTER_AUTH_SECRET is not set");
  for (const secret of [key, key.slice(8), nearMiss, password, token]) {
    expect({ secret, logged: log.includes(secret) }).toEqual({ secret, logged: false });
  }
}, 30_000);
