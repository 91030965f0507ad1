import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import { type GatewayHarness, postJson, startGateway } from "./harness.ts";

let gw: GatewayHarness;
let store: RunningStorefront;
let plainSite: ReturnType<typeof Bun.serve>;
let lockedStore: ReturnType<typeof Bun.serve>;

beforeAll(async () => {
  store = await startStorefront({ store: generateDemoStore({ productCount: 5 }) });
  plainSite = Bun.serve({
    port: 0,
    fetch: () =>
      new Response("<html><body>We love Shopify and sell on it too.</body></html>", {
        headers: { "content-type": "text/html" },
      }),
  });
  lockedStore = Bun.serve({
    port: 0,
    fetch: (req) =>
      new URL(req.url).pathname === "/password"
        ? new Response("<html>Opening soon</html>", { headers: { "x-shopid": "1" } })
        : Response.redirect("https://locked.example/password", 302),
  });
  gw = await startGateway({
    STORE_ORIGINS: [
      `demo.shopsniffer.test=${store.origin}`,
      `plain.example=http://127.0.0.1:${plainSite.port}`,
      `locked.example=http://127.0.0.1:${lockedStore.port}`,
    ].join(","),
  });
});

afterAll(async () => {
  await gw?.stop();
  await store?.stop();
  plainSite?.stop(true);
  lockedStore?.stop(true);
});

async function createJob(body: unknown, key = gw.apiKey) {
  const res = await gw.request("/api/jobs", postJson(body, key));
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe("POST /api/jobs", () => {
  test("creates a pending job for a Shopify store, normalising the domain", async () => {
    const { status, body } = await createJob({ domain: "HTTPS://Demo.ShopSniffer.test./x?y=1" });
    expect(status).toBe(201);
    expect(body.job.domain).toBe("demo.shopsniffer.test");
    expect(body.job.slug).toBe("demo-shopsniffer-test");
    expect(body.job.status).toBe("pending");
    expect(body.job.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.job.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(body.job).toHaveProperty("user_id");
  });

  test("refuses callers without a valid API key", async () => {
    expect((await createJob({ domain: "demo.shopsniffer.test" }, "")).status).toBe(401);
    const bad = await createJob({ domain: "demo.shopsniffer.test" }, "ss_live_nope");
    expect(bad).toEqual({ status: 401, body: { error: "Unauthorized", code: "unauthorized" } });
  });

  test("answers the reference's errors for bad domains and non-Shopify sites", async () => {
    const invalid = await createJob({ domain: "not a domain" });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toBe(
      "Invalid domain format. Please enter a valid domain like 'store.com'.",
    );
    const plain = await createJob({ domain: "plain.example" });
    expect(plain.status).toBe(422);
    expect(plain.body.error).toBe("This domain does not appear to be a Shopify store.");
    const locked = await createJob({ domain: "locked.example" });
    expect(locked.status).toBe(422);
    expect(locked.body.error).toBe(
      "This Shopify store is password-protected and cannot be scanned.",
    );
  });

  test("refuses bodies over MAX_BODY_BYTES with 413, declared or streamed", async () => {
    const big = JSON.stringify({ domain: "demo.shopsniffer.test", pad: "x".repeat(70_000) });
    const declared = await gw.request("/api/jobs", postJson(big, gw.apiKey));
    expect(declared.status).toBe(413);
    expect((await declared.json()).code).toBe("payload_too_large");
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++)
          controller.enqueue(new TextEncoder().encode("x".repeat(10_000)));
        controller.close();
      },
    });
    const streamed = await gw.request("/api/jobs", {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": gw.apiKey },
      body: chunks,
    });
    expect(streamed.status).toBe(413);
  });

  test("says what is wrong with a malformed body", async () => {
    const { status, body } = await createJob("{not json");
    expect(status).toBe(400);
    expect(body.error).toStartWith("Malformed JSON body");
  });

  test("refuses deeply nested JSON with a 400, not a stack overflow", async () => {
    const nested = `{"domain":"demo.shopsniffer.test","indexer":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const { status, body } = await createJob(nested);
    expect(status).toBe(400);
    expect(body.error).toContain("nested more than");
  });

  test("never answers 5xx to malformed, oversized or mistyped bodies", async () => {
    const cases: unknown[] = [
      "{not json",
      "[]",
      "null",
      { domain: 42 },
      { domain: "demo.shopsniffer.test", extra: true },
      { domain: "demo.shopsniffer.test", type: "partial" },
      { domain: "demo.shopsniffer.test", notify_email: "nope" },
      { domain: "demo.shopsniffer.test", webhook_url: "ftp://x.example/" },
      { domain: "demo.shopsniffer.test", webhook_url: "" },
      { domain: "x".repeat(100_000) },
      {},
    ];
    for (const body of cases) {
      const { status, body: reply } = await createJob(body);
      expect({ body, ok: status === 400 || status === 413 }).toEqual({ body, ok: true });
      expect(typeof reply.error).toBe("string");
    }
  });
});

describe("job lookups", () => {
  test("finds a job by id, by domain, and polls its status", async () => {
    const { body } = await createJob({ domain: "demo.shopsniffer.test" });
    const id = body.job.id as string;
    const byId = await (await gw.request(`/api/jobs?id=${id}`)).json();
    expect(byId.job.id).toBe(id);
    const byDomain = await (
      await gw.request("/api/jobs?domain=https://demo.shopsniffer.test")
    ).json();
    expect(byDomain.job.id).toBe(id);
    const status = await (await gw.request(`/api/jobs/${id}/status`)).json();
    expect(status).toMatchObject({ id, status: "pending", product_count: 0, page_count: 0 });
  });

  test("answers 400 and 404 with the reference's messages", async () => {
    const none = await gw.request("/api/jobs");
    expect(none.status).toBe(400);
    expect((await none.json()).error).toBe("Provide id or domain parameter");
    for (const path of [
      "/api/jobs?id=00000000-0000-4000-8000-000000000000",
      "/api/jobs?id=../../etc",
      "/api/jobs/not-a-uuid",
      "/api/jobs/00000000-0000-4000-8000-000000000000/status",
    ]) {
      const res = await gw.request(path);
      expect(res.status).toBe(404);
      expect((await res.json()).error).toBe("Job not found");
    }
  });

  test("refuses to retry a job that is still pending", async () => {
    const { body } = await createJob({ domain: "demo.shopsniffer.test" });
    const retry = await gw.request(`/api/jobs/${body.job.id}/retry`, postJson({}, gw.apiKey));
    expect(retry.status).toBe(400);
    const anonymous = await gw.request(`/api/jobs/${body.job.id}/retry`, {
      method: "POST",
      body: "x".repeat(5_000_000),
    });
    expect(anonymous.status).toBe(401);
  });
});

describe("downloads and documents", () => {
  test("downloads validate their parameters", async () => {
    expect((await gw.request("/api/downloads")).status).toBe(400);
    const unknownKey = await gw.request(
      "/api/downloads?jobId=00000000-0000-4000-8000-000000000000&key=secrets.txt",
    );
    expect(unknownKey.status).toBe(400);
    const unknownJob = await gw.request(
      "/api/downloads?jobId=00000000-0000-4000-8000-000000000000&key=products.csv",
    );
    expect(unknownJob.status).toBe(404);
  });

  test("serves an OpenAPI document generated from the routes", async () => {
    const res = await gw.request("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain("/api/jobs");
    expect(Object.keys(doc.paths)).toContain("/api/jobs/{id}/status");
  });
});
