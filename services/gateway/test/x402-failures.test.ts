import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { jobs, payments } from "@shopsniffer/shared/db/schema";
import { DEMO_DOMAIN } from "@shopsniffer/shared/storefront/demo-store";
import { isoNow } from "@shopsniffer/shared/time";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { GatewayDeps } from "../src/deps.ts";
import { reconcilePayments } from "../src/x402/reconciler.ts";
import { type PaidGateway, PRICE, settlementOf, startPaidGateway } from "./facilitator-gateway.ts";
import { signPayment } from "./facilitator-payer.ts";

let paid: PaidGateway;
const payer = privateKeyToAccount(generatePrivateKey());
const job = { domain: DEMO_DOMAIN };

beforeAll(async () => {
  paid = await startPaidGateway();
});

afterAll(async () => {
  await paid?.stop();
});

async function pay(header: string) {
  const res = await paid.post(job, { "x-payment": header });
  return { res, body: (await res.json()) as Record<string, any> };
}

async function signed() {
  const { header, payload } = await signPayment(payer, { to: paid.payTo, value: PRICE });
  return { header, nonce: payload.payload.authorization.nonce };
}

/** One reconciler round; it needs only the service context of the gateway's deps. */
const reconcile = () => reconcilePayments({ svc: paid.gw.svc } as GatewayDeps);

describe("facilitator outages", () => {
  test("facilitator down: 503 with Retry-After, the claim released, then the payment works", async () => {
    const { header, nonce } = await signed();
    paid.facilitator.setDown(true);
    try {
      const { res, body } = await pay(header);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(body.code).toBe("unavailable");
      expect(await paid.payment(payer.address, nonce)).toBeFalsy();
    } finally {
      paid.facilitator.setDown(false);
    }
    const retried = await pay(header);
    expect(retried.res.status).toBe(201);
    expect(settlementOf(retried.res)?.success).toBe(true);
  });

  test("a facilitator slower than its timeout is the same as down", async () => {
    const { header, nonce } = await signed();
    const jobs = await paid.jobCount();
    paid.facilitator.mode.verifyDelayMs = 3_000;
    try {
      const { res } = await pay(header);
      expect(res.status).toBe(503);
      expect(await paid.payment(payer.address, nonce)).toBeFalsy();
    } finally {
      paid.facilitator.mode.verifyDelayMs = 0;
    }
    expect(await paid.jobCount()).toBe(jobs);
    expect((await pay(header)).res.status).toBe(201);
  });
});

describe("settlement", () => {
  test("a settlement refused before the chain is a 402 with the failure header, and no job runs", async () => {
    const { header, nonce } = await signed();
    const jobs = await paid.jobCount();
    paid.facilitator.mode.settleFailure = "insufficient_funds";
    try {
      const { res, body } = await pay(header);
      expect(res.status).toBe(402);
      expect(body.error).toBe("insufficient_funds");
      expect(settlementOf(res)).toMatchObject({
        success: false,
        errorReason: "insufficient_funds",
        transaction: "",
        network: "base",
      });
    } finally {
      paid.facilitator.mode.settleFailure = null;
    }
    expect(await paid.jobCount()).toBe(jobs);
    const row = await paid.payment(payer.address, nonce);
    expect(row).toMatchObject({ status: "failed", errorReason: "insufficient_funds" });
    expect(await paid.gw.request(`/api/jobs/${row?.jobId}`).then((r) => r.status)).toBe(404);
    expect((await pay(header)).res.status).toBe(402);
  });

  test("a settle failure with neither a reason nor a transaction is final: 402, not unknown", async () => {
    const { header, nonce } = await signed();
    const jobs = await paid.jobCount();
    paid.facilitator.mode.settleFailureBare = true;
    try {
      const { res, body } = await pay(header);
      expect(res.status).toBe(402);
      expect(body.error).toBe("settle_failed");
      expect(settlementOf(res)).toMatchObject({ success: false, errorReason: "settle_failed" });
    } finally {
      paid.facilitator.mode.settleFailureBare = false;
    }
    expect(await paid.jobCount()).toBe(jobs);
    const row = await paid.payment(payer.address, nonce);
    expect(row).toMatchObject({ status: "failed", errorReason: "settle_failed" });
    expect((await pay(header)).res.status).toBe(402);
  });

  for (const reason of ["unexpected_settle_error", "invalid_transaction_state"]) {
    test(`a settle failure "${reason}" may be on chain: unknown, 503, reconciled later`, async () => {
      const { header, nonce } = await signed();
      const jobs = await paid.jobCount();
      paid.facilitator.mode.settleFailure = reason;
      try {
        const { res, body } = await pay(header);
        expect(res.status).toBe(503);
        expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
        expect(body.error).toContain("same X-PAYMENT");
        expect(await paid.payment(payer.address, nonce)).toMatchObject({
          status: "unknown",
          errorReason: reason,
        });
        expect((await pay(header)).res.status).toBe(503);
      } finally {
        paid.facilitator.mode.settleFailure = null;
      }
      expect(await paid.jobCount()).toBe(jobs);
      // Not on chain (the fake never transferred): the reconciler settles it, once.
      expect(await reconcile()).toMatchObject({ settled: 1, failed: 0 });
      expect((await paid.payment(payer.address, nonce))?.status).toBe("settled");
      expect(await paid.jobCount()).toBe(jobs + 1);
    });
  }

  test("a settle failure that names a transaction stays unknown; the chain shows it paid", async () => {
    const { header, nonce } = await signed();
    const jobs = await paid.jobCount();
    paid.facilitator.mode.settleFailure = "some_new_failure";
    paid.facilitator.mode.settleFailureAfterTransfer = true;
    try {
      const { res } = await pay(header);
      expect(res.status).toBe(503);
      const row = await paid.payment(payer.address, nonce);
      expect(row).toMatchObject({ status: "unknown", errorReason: "some_new_failure" });
      expect(row?.transaction).toMatch(/^0x[0-9a-f]{64}$/);
    } finally {
      paid.facilitator.mode.settleFailure = null;
      paid.facilitator.mode.settleFailureAfterTransfer = false;
    }
    const settles = paid.facilitator.calls.settle;
    expect(await reconcile()).toMatchObject({ settled: 1 });
    expect(paid.facilitator.calls.settle).toBe(settles);
    expect(await paid.jobCount()).toBe(jobs + 1);
    const again = await pay(header);
    expect(again.res.status).toBe(200);
    expect(again.body.job.id).toBe((await paid.payment(payer.address, nonce))?.jobId);
  });

  test("an unknown outcome found settled on chain is reconciled into one queued job", async () => {
    const { header, nonce } = await signed();
    const jobs = await paid.jobCount();
    paid.facilitator.mode.settleDelayMs = 3_000;
    try {
      const { res, body } = await pay(header);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(body.error).toContain("same X-PAYMENT");
    } finally {
      paid.facilitator.mode.settleDelayMs = 0;
    }
    const row = await paid.payment(payer.address, nonce);
    expect(row?.status).toBe("unknown");
    expect(await paid.jobCount()).toBe(jobs);
    expect(await paid.gw.request(`/api/jobs/${row?.jobId}`).then((r) => r.status)).toBe(404);
    expect((await pay(header)).res.status).toBe(503);

    const settles = paid.facilitator.calls.settle;
    // Two replicas' reconcilers at once still make one job.
    const rounds = await Promise.all([reconcile(), reconcile()]);
    expect(rounds[0].settled + rounds[1].settled).toBeGreaterThanOrEqual(1);
    expect(rounds.every((r) => r.stillUnknown === 0)).toBe(true);
    expect(paid.facilitator.calls.settle).toBe(settles);
    const after = await paid.payment(payer.address, nonce);
    expect(after?.status).toBe("settled");
    expect(after?.transaction).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await paid.jobCount()).toBe(jobs + 1);

    const again = await pay(header);
    expect(again.res.status).toBe(200);
    expect(again.body.job.id).toBe(row?.jobId);
    expect(await reconcile()).toMatchObject({ settled: 0, requeued: 0 });
    expect(await paid.jobCount()).toBe(jobs + 1);
  });

  test("an unknown outcome that never reached the chain is settled again by the reconciler", async () => {
    const { header, nonce } = await signed();
    const jobs = await paid.jobCount();
    paid.facilitator.mode.settleBroken = true;
    try {
      expect((await pay(header)).res.status).toBe(503);
      expect(await reconcile()).toMatchObject({ settled: 0, stillUnknown: 1 });
    } finally {
      paid.facilitator.mode.settleBroken = false;
    }
    expect(await paid.jobCount()).toBe(jobs);
    expect(await reconcile()).toMatchObject({ settled: 1 });
    expect((await paid.payment(payer.address, nonce))?.status).toBe("settled");
    expect(await paid.jobCount()).toBe(jobs + 1);
  });

  test("a second reconciler's failed re-settle never undoes the first one's settlement", async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const { header, nonce } = await signed();
      paid.facilitator.mode.settleBroken = true;
      try {
        expect((await pay(header)).res.status).toBe(503);
      } finally {
        paid.facilitator.mode.settleBroken = false;
      }
      const jobs = await paid.jobCount();
      // Both rounds settle again; the token takes the first, the second gets a failure.
      const rounds = await Promise.all([reconcile(), reconcile()]);
      expect(rounds[0].settled + rounds[1].settled).toBe(1);
      expect((await paid.payment(payer.address, nonce))?.status).toBe("settled");
      expect(await paid.jobCount()).toBe(jobs + 1);
    }
  });

  test("an unknown outcome never seen on chain fails once the authorization expired", async () => {
    const { header, nonce } = await signed();
    paid.facilitator.mode.settleBroken = true;
    try {
      expect((await pay(header)).res.status).toBe(503);
      const row = await paid.payment(payer.address, nonce);
      const stored = row?.payload as any;
      stored.payment.payload.authorization.validBefore = String(
        Math.floor(Date.now() / 1000) - 120,
      );
      await paid.gw.svc.db.write((w) =>
        w.update(payments).set({ payload: stored }).where(eq(payments.nonce, nonce.toLowerCase())),
      );
      const jobs = await paid.jobCount();
      const settles = paid.facilitator.calls.settle;
      expect(await reconcile()).toMatchObject({ failed: 1, settled: 0 });
      expect(paid.facilitator.calls.settle).toBe(settles);
      expect(await paid.payment(payer.address, nonce)).toMatchObject({
        status: "failed",
        errorReason: "authorization_expired_unsettled",
      });
      expect(await paid.jobCount()).toBe(jobs);
    } finally {
      paid.facilitator.mode.settleBroken = false;
    }
  });

  test("the reconciler frees claims a stopped gateway left, and queues paid jobs it lost", async () => {
    const { db } = paid.gw.svc.db;
    const long = isoNow(new Date(Date.now() - 10 * 60_000));
    const stale = await signed();
    const lost = await signed();
    expect((await pay(lost.header)).res.status).toBe(201);
    const lostRow = await paid.payment(payer.address, lost.nonce);
    await paid.gw.svc.db.write(async (w) => {
      await w.insert(payments).values({
        ...(lostRow as NonNullable<typeof lostRow>),
        nonce: stale.nonce.toLowerCase(),
        status: "claimed",
        updatedAt: long,
      });
      await w.delete(jobs).where(eq(jobs.id, lostRow?.jobId ?? ""));
    });
    const before = await paid.jobCount();
    const counts = await reconcile();
    expect(counts).toMatchObject({ released: 1, requeued: 1 });
    expect(await paid.payment(payer.address, stale.nonce)).toBeFalsy();
    expect(await paid.jobCount()).toBe(before + 1);
    const rows = await db
      .select()
      .from(payments)
      .where(eq(payments.jobId, lostRow?.jobId ?? ""));
    expect(rows.map((r) => r.status)).toEqual(["settled"]);
  });
});
