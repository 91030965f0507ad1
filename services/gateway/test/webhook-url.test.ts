import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import { type GatewayHarness, postJson, startGateway } from "./harness.ts";

const PUBLIC_ONLY = "webhook_url must point to a public internet address";

let strict: GatewayHarness;
let open: GatewayHarness;
let store: RunningStorefront;

beforeAll(async () => {
  store = await startStorefront({ store: generateDemoStore({ productCount: 2 }) });
  const origins = `demo.shopsniffer.test=${store.origin}`;
  strict = await startGateway({ STORE_ORIGINS: origins });
  open = await startGateway({ STORE_ORIGINS: origins, WEBHOOK_ALLOW_PRIVATE: "true" });
});

afterAll(async () => {
  await strict?.stop();
  await open?.stop();
  await store?.stop();
});

async function createJob(gw: GatewayHarness, webhookUrl: string) {
  const body = { domain: "demo.shopsniffer.test", webhook_url: webhookUrl };
  const res = await gw.request("/api/jobs", postJson(body, gw.apiKey));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("webhook_url at job creation", () => {
  test("refuses loopback, private and internal hosts with a 400", async () => {
    const targets = [
      "http://127.0.0.1:8080/hook",
      "http://localhost/hook",
      "https://[::1]/hook",
      "http://10.1.2.3/hook",
      "http://192.168.0.10/hook",
      "http://169.254.169.254/latest/meta-data",
      "http://metadata.google.internal/hook",
    ];
    for (const target of targets) {
      const reply = await createJob(strict, target);
      expect({ target, ...reply }).toEqual({
        target,
        status: 400,
        body: { error: PUBLIC_ONLY, code: "invalid_input" },
      });
    }
  });

  test("refuses a host that does not resolve with a 400", async () => {
    const reply = await createJob(strict, "https://no-such-host.invalid/hook");
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe("webhook_url host could not be resolved");
  });

  test("refuses a port other than 80 or 443 with a 400", async () => {
    const reply = await createJob(strict, "https://93.184.215.14:8443/hook");
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe("webhook_url must use port 80 or 443");
  });

  test("accepts a public address", async () => {
    const reply = await createJob(strict, "https://93.184.215.14/hook");
    expect(reply.status).toBe(201);
  });

  test("accepts private hosts when WEBHOOK_ALLOW_PRIVATE is set", async () => {
    const reply = await createJob(open, "http://127.0.0.1:8080/hook");
    expect(reply.status).toBe(201);
  });
});
