import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DEMO_DOMAIN } from "@shopsniffer/shared/storefront/demo-store";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createPaymentHeader } from "x402/client";
import { PaymentRequirementsSchema, x402ResponseSchema } from "x402/types";
import {
  OTHER_STORE,
  type PaidGateway,
  PRICE,
  PUBLIC_URL,
  settlementOf,
  startPaidGateway,
} from "./facilitator-gateway.ts";
import { encode, type PaymentOptions, signPayment } from "./facilitator-payer.ts";

let paid: PaidGateway;
const payer = privateKeyToAccount(generatePrivateKey());
const job = { domain: DEMO_DOMAIN };

beforeAll(async () => {
  paid = await startPaidGateway();
});

afterAll(async () => {
  await paid?.stop();
});

/** The requirements a 402 offers, as a client reads them. */
async function offered() {
  const res = await paid.post(job);
  const body = (await res.json()) as Record<string, any>;
  return PaymentRequirementsSchema.parse(body.accepts[0]);
}

async function pay(header: string, body: unknown = job) {
  const res = await paid.post(body, { "x-payment": header });
  return { res, body: (await res.json()) as Record<string, any> };
}

const sign = (options: Partial<PaymentOptions> = {}) =>
  signPayment(payer, { to: paid.payTo, value: PRICE, ...options });

describe("402 Payment Required", () => {
  test("offers the standard x402 v1 requirements beside the reference's nested form", async () => {
    const res = await paid.post(job);
    expect(res.status).toBe(402);
    const body = (await res.json()) as Record<string, any>;
    // The package's `error` enum lists failure reasons only; the reference says "Payment Required".
    expect(x402ResponseSchema.omit({ error: true }).parse(body).x402Version).toBe(1);
    expect(body.error).toBe("Payment Required");
    expect(body.x402.version).toBe("1");
    expect(body.x402.accepts).toEqual(body.accepts);
    const [requirement] = body.accepts.map((a: unknown) => PaymentRequirementsSchema.parse(a));
    expect(requirement).toMatchObject({
      scheme: "exact",
      network: "base",
      maxAmountRequired: PRICE,
      resource: `${PUBLIC_URL}/api/jobs`,
      mimeType: "application/json",
      payTo: paid.payTo,
      maxTimeoutSeconds: 300,
      asset: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
      extra: { name: "USD Coin", version: "2" },
    });
  });

  test("validates the job body first: a malformed request consumes no payment", async () => {
    const { header } = await sign();
    const calls = { ...paid.facilitator.calls };
    const { res } = await pay(header, { domain: DEMO_DOMAIN, surprise: true });
    expect(res.status).toBe(400);
    const notAStore = await pay(header, { domain: "not a domain" });
    expect(notAStore.res.status).toBe(400);
    expect(paid.facilitator.calls).toEqual(calls);
    expect((await pay(header)).res.status).toBe(201);
  });

  test("a bad API key is a 401 even with a payment attached", async () => {
    const { header } = await sign();
    const res = await paid.post(job, { "x-api-key": "ss_live_wrong", "x-payment": header });
    expect(res.status).toBe(401);
  });

  test("a caller with an API key is never charged", async () => {
    const { header } = await sign();
    const settles = paid.facilitator.calls.settle;
    const res = await paid.post(job, { "x-api-key": paid.gw.apiKey, "x-payment": header });
    expect(res.status).toBe(201);
    expect(settles).toBe(paid.facilitator.calls.settle);
  });
});

describe("paying for a job", () => {
  test("a standard client's payment creates and queues one job: 201 with the settlement", async () => {
    const before = await paid.jobCount();
    const header = await createPaymentHeader(payer as any, 1, await offered());
    const { res, body } = await pay(header);
    expect(res.status).toBe(201);
    expect(body.job).toMatchObject({ domain: DEMO_DOMAIN, status: "pending", user_id: null });
    const settlement = settlementOf(res);
    expect(settlement).toMatchObject({ success: true, network: "base" });
    expect(settlement?.transaction).toMatch(/^0x[0-9a-f]{64}$/);
    expect(settlement?.payer.toLowerCase()).toBe(payer.address.toLowerCase());
    expect(await paid.jobCount()).toBe(before + 1);

    const decoded = JSON.parse(Buffer.from(header, "base64").toString());
    const row = await paid.payment(payer.address, decoded.payload.authorization.nonce);
    expect(row).toMatchObject({ status: "settled", jobId: body.job.id, amount: PRICE });
    expect(row?.transaction).toBe(settlement?.transaction);
    const status = await paid.gw.request(`/api/jobs/${body.job.id}/status`);
    expect(((await status.json()) as any).status).toMatch(/^(pending|processing|completed)$/);
  });

  test("a sequential replay creates no second job; the same payment gets its job back", async () => {
    const { header } = await sign();
    const first = await pay(header);
    expect(first.res.status).toBe(201);
    const jobs = await paid.jobCount();
    const settles = paid.facilitator.calls.settle;

    const again = await pay(header);
    expect(again.res.status).toBe(200);
    expect(again.body.job.id).toBe(first.body.job.id);
    const elsewhere = await pay(header, { domain: OTHER_STORE });
    expect(elsewhere.res.status).toBe(402);
    expect(elsewhere.body.error).toBe("invalid_exact_evm_nonce_already_used");
    expect(await paid.jobCount()).toBe(jobs);
    expect(paid.facilitator.calls.settle).toBe(settles);
  });

  test("concurrent replays of one payment create exactly one job", async () => {
    const { header } = await sign();
    const before = await paid.jobCount();
    const answers = await Promise.all(Array.from({ length: 6 }, () => pay(header)));
    const statuses = answers.map((a) => a.res.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    // The others came while it was in flight (503) or after it settled (200): never a 402.
    expect(statuses.every((s) => s === 201 || s === 200 || s === 503)).toBe(true);
    const ids = new Set(answers.filter((a) => a.res.status < 300).map((a) => a.body.job.id));
    expect(ids.size).toBe(1);
    expect(await paid.jobCount()).toBe(before + 1);
  });
});

describe("a duplicate X-PAYMENT while the first is in flight", () => {
  const stages = [
    ["claimed", "verifyDelayMs"],
    ["settling", "settleDelayMs"],
  ] as const;
  for (const [status, delay] of stages) {
    test(`while ${status}: 503 with Retry-After, then the same job`, async () => {
      const { header, payload } = await sign();
      const nonce = payload.payload.authorization.nonce;
      paid.facilitator.mode[delay] = 500;
      try {
        const first = pay(header);
        const deadline = Date.now() + 5_000;
        while ((await paid.payment(payer.address, nonce))?.status !== status) {
          if (Date.now() > deadline) throw new Error(`the payment never became ${status}`);
          await Bun.sleep(5);
        }
        const duplicate = await pay(header);
        expect(duplicate.res.status).toBe(503);
        expect(duplicate.res.headers.get("retry-after")).toMatch(/^\d+$/);
        expect(duplicate.body).toMatchObject({ code: "unavailable" });
        expect(duplicate.body.error).toContain("already being processed");
        const answered = await first;
        expect(answered.res.status).toBe(201);
        const later = await pay(header);
        expect(later.res.status).toBe(200);
        expect(later.body.job.id).toBe(answered.body.job.id);
      } finally {
        paid.facilitator.mode[delay] = 0;
      }
    });
  }
});

describe("payments refused before anything is claimed", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: Array<[string, () => Partial<PaymentOptions>, string]> = [
    [
      "another payee",
      () => ({ to: privateKeyToAccount(generatePrivateKey()).address }),
      "invalid_exact_evm_payload_recipient_mismatch",
    ],
    ["less", () => ({ value: "9989999" }), "invalid_exact_evm_payload_authorization_value"],
    ["more", () => ({ value: "9990001" }), "invalid_exact_evm_payload_authorization_value"],
    [
      "an expired authorization",
      () => ({ validBefore: now() - 1 }),
      "invalid_exact_evm_payload_authorization_valid_before",
    ],
    [
      "an authorization valid for days",
      () => ({ validBefore: now() + 3 * 86_400 }),
      "invalid_exact_evm_payload_authorization_valid_before",
    ],
    [
      "a not-yet-valid authorization",
      () => ({ validAfter: now() + 120 }),
      "invalid_exact_evm_payload_authorization_valid_after",
    ],
    [
      'the Base Sepolia domain name "USDC"',
      () => ({ domainName: "USDC" }),
      "invalid_exact_evm_payload_signature",
    ],
    [
      "the Base Sepolia chain id",
      () => ({ chainId: 84532 }),
      "invalid_exact_evm_payload_signature",
    ],
    ["another network", () => ({ network: "base-sepolia" }), "invalid_network"],
    ["x402 version 2", () => ({ x402Version: 2 }), "invalid_x402_version"],
  ];

  for (const [name, options, reason] of cases) {
    test(`${name}: 402 ${reason}`, async () => {
      const calls = { ...paid.facilitator.calls };
      const { header, payload } = await sign(options());
      const { res, body } = await pay(header);
      expect(res.status).toBe(402);
      expect(body.error).toBe(reason);
      expect(body.payer).toBe(payer.address.toLowerCase());
      expect(body.accepts[0].payTo).toBe(paid.payTo);
      expect(paid.facilitator.calls).toEqual(calls);
      expect(await paid.payment(payer.address, payload.payload.authorization.nonce)).toBeFalsy();
    });
  }

  test("a signature by someone else than `from`", async () => {
    const { payload } = await sign();
    const forged = { ...payload, payload: { ...payload.payload } };
    forged.payload.authorization = {
      ...payload.payload.authorization,
      from: privateKeyToAccount(generatePrivateKey()).address,
    };
    const { res, body } = await pay(encode(forged));
    expect(res.status).toBe(402);
    expect(body.error).toBe("invalid_exact_evm_payload_signature");
  });

  test("malformed headers: 402 invalid_payload, never 5xx", async () => {
    const { payload } = await sign();
    const headers = [
      "not base64 at all!",
      encode("a string"),
      Buffer.from("{not json").toString("base64"),
      encode({ ...payload, payload: { signature: payload.payload.signature } }),
      encode({ ...payload, x402Version: "1" }),
      "A".repeat(20_000),
    ];
    for (const header of headers) {
      const { res, body } = await pay(header);
      expect(res.status).toBe(402);
      expect(body.error).toBe("invalid_payload");
      expect(body.x402Version).toBe(1);
    }
  });

  test("a payer the facilitator finds short of funds: 402, the nonce spent for nothing", async () => {
    paid.facilitator.mode.insufficientFunds = true;
    try {
      const before = await paid.jobCount();
      const { header, payload } = await sign();
      const { res, body } = await pay(header);
      expect(res.status).toBe(402);
      expect(body.error).toBe("insufficient_funds");
      expect(await paid.jobCount()).toBe(before);
      const row = await paid.payment(payer.address, payload.payload.authorization.nonce);
      expect(row).toMatchObject({ status: "failed", errorReason: "insufficient_funds" });
    } finally {
      paid.facilitator.mode.insufficientFunds = false;
    }
  });
});
