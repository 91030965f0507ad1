import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { sha256 } from "../src/auth/api-keys.ts";
import {
  createKey,
  type HttpGateway,
  json,
  postJob,
  signUp,
  startHttpGateway,
  type TestUser,
} from "./auth-harness.ts";

// Sign-ups hash passwords with scrypt and every gateway boots NATS: slow on a busy machine.
setDefaultTimeout(60_000);

let gw: HttpGateway;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  // Lets the retry tests use a local webhook URL without DNS.
  gw = await startHttpGateway({ WEBHOOK_ALLOW_PRIVATE: "true" });
  [alice, bob] = await Promise.all([signUp(gw, "Alice"), signUp(gw, "Bob")]);
}, 60_000);

afterAll(async () => {
  await gw?.stop();
});

const listKeys = async (user: TestUser) => {
  const res = await gw.fetch("/api/api-keys", { headers: { cookie: user.cookie } });
  return (await res.json()).keys as Array<Record<string, unknown>>;
};

const revoke = (id: string, headers: Record<string, string>) =>
  gw.fetch(`/api/api-keys/${id}`, { method: "DELETE", headers });

describe("POST /api/api-keys", () => {
  test("shows the raw key once, in the reference's shape, and stores only its hash", async () => {
    const created = await createKey(gw, alice, "Production agent");
    expect(created.id).toMatch(/^key_[a-z0-9]+$/);
    expect(created.key).toMatch(/^ss_live_[a-z0-9]{32}$/);
    expect(created.name).toBe("Production agent");
    expect(created.message).toBe("Store this key securely. It will not be shown again.");
    const rows = await gw.svc.db.client.execute({
      sql: "SELECT * FROM api_keys WHERE id = ?",
      args: [created.id],
    });
    expect(rows.rows[0]).toMatchObject({ key_hash: sha256(created.key), user_id: alice.id });
    expect(JSON.stringify(rows.rows)).not.toContain(created.key);
  });

  test("a missing name gets a default; a bad body is a 400", async () => {
    expect((await createKey(gw, alice)).name).toBe("API key");
    for (const body of [{ name: 42 }, { name: "x".repeat(101) }, { other: true }]) {
      const res = await gw.fetch("/api/api-keys", json(body, { cookie: alice.cookie }));
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
  });

  test("an API key cannot mint or list keys; no credential is 401", async () => {
    const { key } = await createKey(gw, alice, "leaked");
    const minted = await gw.fetch("/api/api-keys", json({ name: "more" }, { "x-api-key": key }));
    expect(minted.status).toBe(403);
    expect((await minted.json()).error).toContain("API keys cannot manage API keys");
    const listed = await gw.fetch("/api/api-keys", { headers: { "x-api-key": key } });
    expect(listed.status).toBe(403);
    // Even next to a valid session cookie, the presented key decides.
    const both = await gw.fetch(
      "/api/api-keys",
      json({ name: "more" }, { "x-api-key": key, cookie: alice.cookie }),
    );
    expect(both.status).toBe(403);
    const badKey = await gw.fetch("/api/api-keys", { headers: { "x-api-key": "ss_live_nope" } });
    expect(badKey.status).toBe(401);
    const anonymous = await gw.fetch("/api/api-keys", json({ name: "x" }));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: "Unauthorized", code: "unauthorized" });
    expect((await gw.fetch("/api/api-keys")).status).toBe(401);
    const names = (await listKeys(alice)).map((k) => k.name);
    expect(names).not.toContain("more");
  });
});

describe("GET /api/api-keys", () => {
  test("lists only the caller's keys, newest first, masked", async () => {
    const first = await createKey(gw, bob, "first");
    const second = await createKey(gw, bob, "second");
    const keys = await listKeys(bob);
    expect(keys.map((k) => k.id)).toEqual([second.id, first.id]);
    expect(keys[0]).toEqual({
      id: second.id,
      name: "second",
      prefix: `${second.key.slice(0, 12)}…`,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      revoked: false,
    });
    expect(JSON.stringify(keys)).not.toContain(second.key);
    expect((await listKeys(alice)).map((k) => k.id)).not.toContain(first.id);
  });
});

describe("DELETE /api/api-keys/:id", () => {
  test("revocation takes effect on the next request; the key stays listed as revoked", async () => {
    const { id, key } = await createKey(gw, alice, "short-lived");
    expect((await postJob(gw, { "x-api-key": key })).status).toBe(201);
    const res = await revoke(id, { cookie: alice.cookie });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true });
    const after = await postJob(gw, { "x-api-key": key });
    expect(after).toMatchObject({ status: 401, body: { error: "Unauthorized" } });
    const listed = (await listKeys(alice)).find((k) => k.id === id);
    expect(listed?.revoked).toBe(true);
    // Revoking again is still a success.
    expect((await revoke(id, { cookie: alice.cookie })).status).toBe(200);
  });

  test("other users' or unknown keys are 404; a key or nobody cannot revoke", async () => {
    const { id, key } = await createKey(gw, alice, "mine");
    for (const target of ["key_doesnotexist", id]) {
      const res = await revoke(target, { cookie: bob.cookie });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: "API key not found" });
    }
    expect((await revoke(id, { "x-api-key": key })).status).toBe(403);
    expect((await revoke(id, {})).status).toBe(401);
    expect((await postJob(gw, { "x-api-key": key })).status).toBe(201);
  });
});

describe("jobs created with a key", () => {
  test("belong to the key's Better Auth user", async () => {
    const { id, key } = await createKey(gw, bob, "ci");
    const { status, body } = await postJob(gw, { "x-api-key": key });
    expect(status).toBe(201);
    expect(body.job.user_id).toBe(bob.id);
    const row = await gw.svc.db.client.execute({
      sql: "SELECT api_key_id FROM jobs WHERE id = ?",
      args: [body.job.id],
    });
    expect(row.rows[0]?.api_key_id).toBe(id);
  });

  test("an operator's key made without a user creates jobs with user_id null", async () => {
    const { status, body } = await postJob(gw, { "x-api-key": gw.apiKey });
    expect(status).toBe(201);
    expect(body.job.user_id).toBeNull();
  });
});

describe("POST /api/jobs/:id/retry", () => {
  const finish = (id: string) =>
    gw.svc.db.client.execute({
      sql: "UPDATE jobs SET status = 'completed' WHERE id = ?",
      args: [id],
    });
  const retry = (id: string, headers: Record<string, string>) =>
    gw.fetch(`/api/jobs/${id}/retry`, { method: "POST", headers });
  const webhookOf = async (id: string) =>
    (
      await gw.svc.db.client.execute({
        sql: "SELECT webhook_url FROM jobs WHERE id = ?",
        args: [id],
      })
    ).rows[0]?.webhook_url;

  test("any key or session may retry a finished job; only the owner keeps the hook", async () => {
    const { key } = await createKey(gw, alice, "retrying");
    const original = await postJob(
      gw,
      { "x-api-key": key },
      { webhook_url: "http://127.0.0.1:9/done" },
    );
    const id = original.body.job.id as string;
    await finish(id);

    const byOwnerSession = await retry(id, { cookie: alice.cookie });
    expect(byOwnerSession.status).toBe(201);
    const ownerJob = (await byOwnerSession.json()).job;
    expect(ownerJob.user_id).toBe(alice.id);
    expect(await webhookOf(ownerJob.id)).toBe("http://127.0.0.1:9/done");

    const byOtherUser = await retry(id, { cookie: bob.cookie });
    expect(byOtherUser.status).toBe(201);
    const otherJob = (await byOtherUser.json()).job;
    expect(otherJob.user_id).toBe(bob.id);
    expect(await webhookOf(otherJob.id)).toBeNull();

    const byOperatorKey = await retry(id, { "x-api-key": gw.apiKey });
    expect(byOperatorKey.status).toBe(201);
    expect(await webhookOf((await byOperatorKey.json()).job.id)).toBeNull();
  });

  test("401 without credentials or with a bad key, 404 unknown job, 400 pending", async () => {
    const pending = await postJob(gw, { cookie: alice.cookie });
    const id = pending.body.job.id as string;
    expect((await retry(id, {})).status).toBe(401);
    expect((await retry(id, { "x-api-key": "ss_live_wrong" })).status).toBe(401);
    const unknown = await retry("00000000-0000-4000-8000-000000000000", { cookie: alice.cookie });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toBe("Job not found");
    const early = await retry(id, { cookie: bob.cookie });
    expect(early.status).toBe(400);
    expect((await early.json()).error).toContain("pending");
  });
});

describe("OpenAPI", () => {
  test("documents the key routes and the security schemes (a key in either header)", async () => {
    const doc = await (await gw.fetch("/api/openapi.json")).json();
    expect(Object.keys(doc.paths)).toContain("/api/api-keys");
    expect(Object.keys(doc.paths)).toContain("/api/api-keys/{id}");
    expect(doc.paths["/api/api-keys"].post.security).toEqual([{ session: [] }]);
    expect(doc.paths["/api/jobs"].post.security).toEqual([
      { apiKey: [] },
      { bearer: [] },
      { session: [] },
      { x402: [] },
    ]);
    const schemes = doc.components.securitySchemes;
    expect(schemes.apiKey).toMatchObject({ in: "header", name: "X-API-Key" });
    expect(schemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(schemes.session).toMatchObject({ in: "cookie", name: "better-auth.session_token" });
    expect(schemes.x402).toMatchObject({ in: "header", name: "X-PAYMENT" });
  });
});
