import { AppError } from "@shopsniffer/shared/errors";
import { getJob } from "@shopsniffer/shared/jobs/state";
import { unauthorized } from "../auth/principal.ts";
import type { GatewayDeps } from "../deps.ts";
import { enqueueJob } from "../enqueue.ts";
import { createdJobView } from "../views.ts";
import { facilitatorClient, type SettleResult } from "./facilitator.ts";
import { type CheckedPayment, checkPaymentHeader } from "./payload.ts";
import { encodeSettlementHeader, jobRequirements, paymentRequiredBody } from "./requirements.ts";
import { type X402Settings, x402Settings } from "./settings.ts";
import {
  claimPayment,
  findPayment,
  markPayment,
  type PaymentRow,
  type PaymentStatus,
  type ReservedJob,
  releaseClaim,
  storedPayload,
} from "./store.ts";

/** What the route answers: status, extra headers and the JSON body. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export type PaymentStart =
  | { kind: "reply"; reply: Reply }
  | { kind: "payment"; settings: X402Settings; payment: CheckedPayment };

const RETRY_AFTER_SECONDS = "5";
const FACILITATOR_DOWN = "The payment facilitator is unavailable; try again shortly.";
const SETTLEMENT_PENDING =
  "The payment's settlement is not confirmed yet; send the same X-PAYMENT again later.";
const PAYMENT_IN_FLIGHT =
  "This X-PAYMENT is already being processed; send the same X-PAYMENT again shortly.";
/** A payment in one of these may still turn into a settled one: a duplicate must wait. */
const IN_FLIGHT: PaymentStatus[] = ["claimed", "settling", "unknown"];
/**
 * Settlement failures that may have reached the chain: the facilitator lost track of its
 * transaction, or the transaction was sent and then reported as failed.
 */
const MAYBE_ON_CHAIN_REASONS = new Set(["unexpected_settle_error", "invalid_transaction_state"]);
/** The reason stored and answered for a settle failure the facilitator gave no reason for. */
const UNEXPLAINED_SETTLE_FAILURE = "settle_failed";

/**
 * For a caller with neither an API key nor a session: 401 when x402 is off, 402 (with the
 * requirements and the reason) without an acceptable `X-PAYMENT`, else the payment that
 * passed every offline check. Nothing is stored yet.
 */
export async function readJobPayment(deps: GatewayDeps, request: Request): Promise<PaymentStart> {
  const settings = x402Settings(deps.svc.config);
  if (!settings) throw unauthorized();
  const header = request.headers.get("x-payment");
  if (header === null) return { kind: "reply", reply: paymentRequired(settings) };
  const check = await checkPaymentHeader(settings, header);
  if (!check.ok) {
    deps.svc.log.info({ reason: check.reason, payer: check.payer }, "x402 payment refused");
    return { kind: "reply", reply: paymentRequired(settings, check.reason, check.payer) };
  }
  return { kind: "payment", settings, payment: check.payment };
}

/**
 * Claims the authorization, has the facilitator verify and settle it, and only after a
 * successful settlement creates and queues the job (201 with `X-PAYMENT-RESPONSE`).
 */
export async function payForJob(
  deps: GatewayDeps,
  { settings, payment }: Extract<PaymentStart, { kind: "payment" }>,
  job: Omit<ReservedJob, "id">,
): Promise<Reply> {
  const { db, log } = deps.svc;
  const key = { payer: payment.payer, nonce: payment.nonce };
  const reserved: ReservedJob = { ...job, id: crypto.randomUUID() };
  if (!(await claimPayment(db, payment, settings.network, reserved))) {
    return replayReply(deps, settings, payment, job.domain);
  }
  const verified = await facilitatorClient(settings).verify(
    payment.payload,
    jobRequirements(settings),
  );
  if (verified.kind !== "answer") {
    await releaseClaim(db, key.payer, key.nonce);
    log.warn({ ...key, detail: verified.detail }, "x402 verify failed; claim released");
    return unavailable(FACILITATOR_DOWN);
  }
  if (!verified.body.isValid) {
    const reason = verified.body.invalidReason ?? "invalid_payment";
    await markPayment(db, key, "failed", { errorReason: reason });
    log.info({ ...key, reason }, "x402 payment invalid at the facilitator");
    return paymentRequired(settings, reason, payment.payer);
  }

  return settleAndQueue(deps, settings, payment, reserved);
}

/** `/settle`, then the job: queued only when the settlement is known to have succeeded. */
async function settleAndQueue(
  deps: GatewayDeps,
  settings: X402Settings,
  payment: CheckedPayment,
  reserved: ReservedJob,
): Promise<Reply> {
  const { db, log } = deps.svc;
  const key = { payer: payment.payer, nonce: payment.nonce };
  await markPayment(db, key, "settling");
  const settled = await facilitatorClient(settings).settle(
    payment.payload,
    jobRequirements(settings),
  );
  if (settled.kind === "unreachable") {
    await releaseClaim(db, key.payer, key.nonce);
    log.warn({ ...key, detail: settled.detail }, "x402 settle not sent; claim released");
    return unavailable(FACILITATOR_DOWN);
  }
  if (settled.kind === "failed") {
    await markPayment(db, key, "unknown", { errorReason: settled.detail });
    log.warn({ ...key, detail: settled.detail }, "x402 settlement outcome unknown");
    return unavailable(SETTLEMENT_PENDING);
  }
  if (!settled.body.success) return settlementRefused(deps, settings, payment, settled.body);
  const header = {
    success: true,
    transaction: settled.body.transaction ?? "",
    network: settings.network,
    payer: payment.payer,
  };
  await markPayment(db, key, "settled", { transaction: header.transaction }, [
    "settling",
    "unknown",
  ]);
  log.info({ ...key, jobId: reserved.id, transaction: header.transaction }, "x402 job paid");
  const created = await queuePaidJob(deps, reserved);
  return {
    status: 201,
    headers: { "x-payment-response": encodeSettlementHeader(header) },
    body: { job: createdJobView(created) },
  };
}

/**
 * A settlement the facilitator reports as failed. One that may have reached the chain (an
 * explicit reason in `MAYBE_ON_CHAIN_REASONS`, or any answer naming a transaction) stays
 * `unknown` for the reconciler and gets 503: marking it `failed` would let the payer sign again
 * and pay twice. Any other failure, one without a reason included, is final: 402 with the
 * reason (`settle_failed` when none was given) and a failure `X-PAYMENT-RESPONSE`.
 */
async function settlementRefused(
  deps: GatewayDeps,
  settings: X402Settings,
  payment: CheckedPayment,
  answer: SettleResult,
): Promise<Reply> {
  const { db, log } = deps.svc;
  const key = { payer: payment.payer, nonce: payment.nonce };
  const reason = answer.errorReason || UNEXPLAINED_SETTLE_FAILURE;
  const transaction = answer.transaction || null;
  if (transaction || MAYBE_ON_CHAIN_REASONS.has(reason)) {
    await markPayment(db, key, "unknown", { errorReason: reason, transaction });
    log.warn({ ...key, reason, transaction }, "x402 settlement failed, maybe on chain");
    return unavailable(SETTLEMENT_PENDING);
  }
  await markPayment(db, key, "failed", { errorReason: reason });
  log.info({ ...key, reason }, "x402 settlement failed");
  const reply = paymentRequired(settings, reason, payment.payer);
  reply.headers["x-payment-response"] = encodeSettlementHeader({
    success: false,
    transaction: "",
    network: settings.network,
    payer: payment.payer,
    errorReason: reason,
  });
  return reply;
}

/**
 * Creates and queues the job a settled payment bought, once: when its row exists already
 * (a reconciler run, a replay after a crash) that row is returned instead. The job is paid
 * for, so a queue that refuses it leaves it `pending` for the pending-job sweeper rather than
 * erroring it.
 */
export async function queuePaidJob(deps: GatewayDeps, job: ReservedJob) {
  const existing = await getJob(deps.svc.db, job.id);
  if (existing) return existing;
  try {
    const fields = { ...job, userId: null, apiKeyId: null, retryOf: null };
    return await enqueueJob(deps, fields, "keep-pending");
  } catch (error) {
    // Another replica's reconciler (or a concurrent replay) inserted the same reserved id.
    const inserted = error instanceof AppError ? undefined : await getJob(deps.svc.db, job.id);
    if (inserted) return inserted;
    throw error;
  }
}

/**
 * The same authorization again. While the first request is still in flight (claimed, settling
 * or unknown; or its claim was just released) it gets 503 with `Retry-After`. The exact same
 * payment for the same store, once settled, gets its job back (200), so a client that lost the
 * first answer can recover it; anything else is a replay and gets 402.
 */
async function replayReply(
  deps: GatewayDeps,
  settings: X402Settings,
  payment: CheckedPayment,
  domain: string,
): Promise<Reply> {
  const row = await findPayment(deps.svc.db, payment.payer, payment.nonce);
  if (row && isSameSettledPayment(row, payment, domain)) {
    const job = await queuePaidJob(deps, storedPayload(row).job);
    const header = {
      success: true,
      transaction: row.transaction ?? "",
      network: settings.network,
      payer: payment.payer,
    };
    return {
      status: 200,
      headers: { "x-payment-response": encodeSettlementHeader(header) },
      body: { job: createdJobView(job) },
    };
  }
  if (!row || IN_FLIGHT.includes(row.status)) {
    return unavailable(row?.status === "unknown" ? SETTLEMENT_PENDING : PAYMENT_IN_FLIGHT);
  }
  deps.svc.log.info({ payer: payment.payer, nonce: payment.nonce }, "x402 replay refused");
  return paymentRequired(settings, "invalid_exact_evm_nonce_already_used", payment.payer);
}

function isSameSettledPayment(row: PaymentRow, payment: CheckedPayment, domain: string) {
  if (row.status !== "settled") return false;
  const stored = storedPayload(row);
  return (
    stored.payment.payload.signature.toLowerCase() ===
      payment.payload.payload.signature.toLowerCase() && stored.job.domain === domain
  );
}

function paymentRequired(settings: X402Settings, reason?: string, payer?: string): Reply {
  return { status: 402, headers: {}, body: paymentRequiredBody(settings, reason, payer) };
}

function unavailable(message: string): Reply {
  return {
    status: 503,
    headers: { "retry-after": RETRY_AFTER_SECONDS },
    body: { error: message, code: "unavailable" },
  };
}
