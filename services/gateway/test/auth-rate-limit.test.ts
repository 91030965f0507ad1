import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { freePort } from "@shopsniffer/shared/nats/local-server";
import { waitForGateway } from "@shopsniffer/shared/stack/readiness";
import { type HttpGateway, json, startHttpGateway } from "./auth-harness.ts";

// Every gateway boots NATS and a sign-in hashes a password: slow on a busy machine.
setDefaultTimeout(60_000);

// Replica A runs in this process; replica B is a separate gateway process on the same database
// and NATS. Better Auth's memory storage is one map per process, so only a count kept in the
// database can make B refuse what A already counted.
let a: HttpGateway;
let b: ReturnType<typeof Bun.spawn>;
let bUrl: string;

beforeAll(async () => {
  a = await startHttpGateway({
    AUTH_RATE_LIMIT_ENABLED: "true",
    AUTH_RATE_LIMIT_WINDOW_SECONDS: "60",
    AUTH_RATE_LIMIT_MAX: "4",
  });
  const port = freePort();
  bUrl = `http://127.0.0.1:${port}`;
  b = Bun.spawn([process.execPath, join(import.meta.dir, "../src/main.ts")], {
    env: { ...process.env, ...a.world.env, PORT: String(port), LISTEN_HOST: "127.0.0.1" },
    stdout: "ignore",
    stderr: "inherit",
  });
  await waitForGateway(bUrl);
}, 60_000);

afterAll(async () => {
  b?.kill();
  await b?.exited;
  await a?.stop();
});

const onA = (path: string, init?: RequestInit) => a.fetch(path, init);
const onB = (path: string, init?: RequestInit) => fetch(`${bUrl}${path}`, init);

describe("Better Auth's limiter on two replicas of one database", () => {
  test("sign-in attempts on both count together: the fourth in 10 s is 429", async () => {
    const attempt = (on: typeof onA) =>
      on("/api/auth/sign-in/email", json({ email: "nobody@example.com", password: "guess-1234" }));
    // Better Auth's built-in rule for sign-in paths: 3 per 10 seconds per client address.
    expect((await attempt(onA)).status).toBe(401);
    expect((await attempt(onB)).status).toBe(401);
    expect((await attempt(onA)).status).toBe(401);
    const refused = await attempt(onB);
    expect(refused.status).toBe(429);
    // The API's own 429 shape, not Better Auth's `{"message"}`.
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({
      error: "Rate limit exceeded",
      retry_after: retryAfter,
      code: "rate_limited",
    });
    expect((await attempt(onA)).status).toBe(429);
  });

  test("other auth paths share AUTH_RATE_LIMIT_MAX per path across replicas", async () => {
    const statuses: number[] = [];
    for (const on of [onA, onB, onA, onB, onA]) {
      statuses.push((await on("/api/auth/get-session")).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    // Counted per path: another one is still open.
    expect((await onB("/api/auth/ok")).status).toBe(200);
    const rows = await a.svc.db.client.execute(
      "SELECT key, count FROM rate_limit WHERE key LIKE '%/get-session'",
    );
    expect(rows.rows.map((row) => row.count)).toEqual([4]);
  });
});
