import { sql } from "drizzle-orm";
import { payments } from "@shopsniffer/shared/db/schema";
import { isoNow } from "@shopsniffer/shared/time";
import type { GatewayDeps } from "../deps.ts";
import { queuePaidJob } from "./checkout.ts";
import { findSettlement } from "./chain.ts";
import { facilitatorClient } from "./facilitator.ts";
import { jobRequirements } from "./requirements.ts";
import { type X402Settings, x402Settings } from "./settings.ts";
import {
  markPayment,
  type PaymentRow,
  type PaymentStatus,
  paymentsIn,
  releaseClaim,
  storedPayload,
} from "./store.ts";

/** What one reconciler round did. */
export interface ReconcileCounts {
  released: number;
  settled: number;
  failed: number;
  stillUnknown: number;
  requeued: number;
}

/** Seconds past `validBefore` after which an unsettled authorization is surely dead. */
const EXPIRY_GRACE_SECONDS = 60;

/**
 * Runs `reconcilePayments` every `X402_RECONCILE_INTERVAL_MS` while x402 is on. Rounds never
 * overlap; `stop` waits for the current one.
 */
export function startPaymentReconciler(deps: GatewayDeps) {
  const settings = x402Settings(deps.svc.config);
  if (settings) {
    const { network, payTo, priceAtomic, facilitatorUrl } = settings;
    const price = priceAtomic.toString();
    deps.svc.log.info({ network, payTo, price, facilitatorUrl }, "x402 pay-per-job on");
  }
  let running: Promise<unknown> = Promise.resolve();
  const timer = settings
    ? setInterval(() => {
        running = running.then(() =>
          reconcilePayments(deps).catch((err) =>
            deps.svc.log.error({ err }, "x402 reconciler round failed"),
          ),
        );
      }, deps.svc.config.X402_RECONCILE_INTERVAL_MS)
    : null;
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

/**
 * One round: releases claims a crashed gateway left before settling, resolves settlements
 * whose outcome is unknown (on chain when `X402_RPC_URL` is set, else by settling again, which
 * the token allows once), and queues the job of any settled payment that has none. A payment
 * is never turned into a job unless its settlement was seen to succeed.
 */
export async function reconcilePayments(deps: GatewayDeps): Promise<ReconcileCounts> {
  const counts = { released: 0, settled: 0, failed: 0, stillUnknown: 0, requeued: 0 };
  const settings = x402Settings(deps.svc.config);
  if (!settings) return counts;
  const { db } = deps.svc;
  const ago = (ms: number) => isoNow(new Date(Date.now() - ms));

  for (const row of await paymentsIn(db, ["claimed"], ago(settings.verifyTimeoutMs + 60_000))) {
    await releaseClaim(db, row.payer, row.nonce);
    counts.released++;
  }
  const stuck = await paymentsIn(db, ["settling"], ago(settings.settleTimeoutMs + 60_000));
  const unknown = await paymentsIn(db, ["unknown"], isoNow(new Date(Date.now() + 1_000)));
  for (const row of [...stuck, ...unknown]) {
    const outcome = await resolveUnknown(deps, settings, row);
    if (outcome !== "resolvedElsewhere") counts[outcome]++;
  }
  counts.requeued = await requeueSettled(deps);
  return counts;
}

/** `resolvedElsewhere`: another round (another replica) moved the payment first. */
type Outcome = "settled" | "failed" | "stillUnknown" | "resolvedElsewhere";
const UNRESOLVED: PaymentStatus[] = ["settling", "unknown"];

async function resolveUnknown(
  deps: GatewayDeps,
  settings: X402Settings,
  row: PaymentRow,
): Promise<Outcome> {
  const { db, log } = deps.svc;
  const key = { payer: row.payer, nonce: row.nonce };
  const stored = storedPayload(row);
  const expired =
    Number(stored.payment.payload.authorization.validBefore) + EXPIRY_GRACE_SECONDS <
    Date.now() / 1000;
  if (settings.rpcUrl) {
    const rpc = { ...settings, rpcUrl: settings.rpcUrl };
    const tx = await findSettlement(rpc, row.payer, row.nonce, Date.parse(row.createdAt)).catch(
      (err) => {
        log.warn({ ...key, err }, "x402 chain lookup failed");
        return undefined;
      },
    );
    if (tx) return settle(deps, row, tx);
    if (tx === null && expired) {
      const reason = { errorReason: "authorization_expired_unsettled" };
      const moved = await markPayment(db, key, "failed", reason, UNRESOLVED);
      return moved ? "failed" : "resolvedElsewhere";
    }
  }
  const answer = await facilitatorClient(settings).settle(
    stored.payment,
    jobRequirements(settings),
  );
  if (answer.kind === "answer" && answer.body.success) {
    return settle(deps, row, answer.body.transaction ?? "");
  }
  const detail = answer.kind === "answer" ? answer.body.errorReason : answer.detail;
  // FIXME: without X402_RPC_URL a settlement whose answer was lost but that went through on
  // chain cannot be told from a failed one (settling again just fails); such payments stay
  // `unknown` and need an operator to look the nonce up on chain.
  const reason = { errorReason: detail ?? "unexpected_settle_error" };
  if (!(await markPayment(db, key, "unknown", reason, UNRESOLVED))) return "resolvedElsewhere";
  log.warn({ ...key, detail, expired }, "x402 settlement still unknown");
  return "stillUnknown";
}

async function settle(deps: GatewayDeps, row: PaymentRow, transaction: string): Promise<Outcome> {
  const key = { payer: row.payer, nonce: row.nonce };
  const fields = { transaction, errorReason: null };
  const moved = await markPayment(deps.svc.db, key, "settled", fields, UNRESOLVED);
  // Whoever moved it queues the job too; queueing is idempotent, so do it anyway.
  const job = await queuePaidJob(deps, storedPayload(row).job);
  if (!moved) return "resolvedElsewhere";
  deps.svc.log.info({ ...key, jobId: job.id, transaction }, "x402 settlement reconciled");
  return "settled";
}

/** Settled payments whose job was never created (the gateway stopped in between). */
async function requeueSettled(deps: GatewayDeps): Promise<number> {
  const orphans = await deps.svc.db.db.query.payments.findMany({
    where: sql`${payments.status} = 'settled' AND NOT EXISTS
      (SELECT 1 FROM jobs WHERE jobs.id = ${payments.jobId})`,
    limit: 100,
  });
  for (const row of orphans) await queuePaidJob(deps, storedPayload(row).job);
  return orphans.length;
}
