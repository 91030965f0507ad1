import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { DEMO_DOMAIN, generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import { REPO_ROOT } from "@shopsniffer/shared/testing/env";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSigner, decodeXPaymentResponse, wrapFetchWithPayment } from "x402-fetch";
import { type FakeFacilitator, startFacilitator } from "./facilitator-server.ts";
import { pollStatus, type StackHarness, startStackHarness } from "./stack-harness.ts";

// The four services run as processes: a job takes seconds.
setDefaultTimeout(90_000);

const PRICE = "9990000";
let harness: StackHarness;
let store: RunningStorefront;
let facilitator: FakeFacilitator;

beforeAll(async () => {
  store = await startStorefront({ store: generateDemoStore({ productCount: 5 }) });
  facilitator = startFacilitator();
  harness = await startStackHarness({
    STORE_ORIGINS: `${DEMO_DOMAIN}=${store.origin}`,
    X402_PAY_TO: privateKeyToAccount(generatePrivateKey()).address,
    X402_NETWORK: "base",
    X402_JOB_PRICE_ATOMIC: PRICE,
    X402_FACILITATOR_URL: facilitator.url,
    X402_RPC_URL: facilitator.rpcUrl,
  });
}, 90_000);

afterAll(async () => {
  await harness?.stop();
  await store?.stop();
  facilitator?.stop();
}, 30_000);

describe("standard x402 clients against the running gateway", () => {
  test("x402-fetch pays the 402 and the paid job runs to completion", async () => {
    const signer = await createSigner("base", generatePrivateKey());
    const fetchWithPayment = wrapFetchWithPayment(fetch, signer, BigInt(PRICE));
    const res = await fetchWithPayment(`${harness.stack.gatewayUrl}/api/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ domain: DEMO_DOMAIN }),
    });
    expect(res.status).toBe(201);
    const settlement = decodeXPaymentResponse(res.headers.get("x-payment-response") ?? "");
    expect(settlement.success).toBe(true);
    expect(facilitator.used.size).toBeGreaterThanOrEqual(1);
    const { job } = (await res.json()) as { job: Record<string, any> };
    expect(job.user_id).toBeNull();
    const done = await pollStatus(harness.stack.gatewayUrl, job.id, (s) =>
      ["completed", "errored"].includes(s.status),
    );
    expect(done.status).toBe("completed");
    expect(done.product_count).toBe(5);
  });

  test("x402-fetch refuses to pay more than its limit", async () => {
    const signer = await createSigner("base", generatePrivateKey());
    const cheap = wrapFetchWithPayment(fetch, signer, BigInt(PRICE) - 1n);
    const settles = facilitator.calls.settle;
    const attempt = cheap(`${harness.stack.gatewayUrl}/api/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ domain: DEMO_DOMAIN }),
    });
    await expect(attempt).rejects.toThrow("exceeds maximum");
    expect(facilitator.calls.settle).toBe(settles);
  });

  test("scripts/pay-job.ts pays for a job and prints it with its settlement", async () => {
    const proc = Bun.spawn([process.execPath, join(REPO_ROOT, "scripts/pay-job.ts"), DEMO_DOMAIN], {
      env: {
        ...process.env,
        PRIVATE_KEY: generatePrivateKey(),
        GATEWAY_URL: harness.stack.gatewayUrl,
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    expect(code).toBe(0);
    const printed = JSON.parse(out) as { job: Record<string, any>; settlement: any };
    expect(printed.job).toMatchObject({ domain: DEMO_DOMAIN, status: "pending", user_id: null });
    expect(printed.settlement).toMatchObject({ success: true, network: "base" });
  });
});
