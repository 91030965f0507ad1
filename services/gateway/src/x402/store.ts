import { and, eq, inArray, lt } from "drizzle-orm";
import type { Db } from "@shopsniffer/shared/db/client";
import { payments } from "@shopsniffer/shared/db/schema";
import { isoNow } from "@shopsniffer/shared/time";
import type { NewJob } from "../enqueue.ts";
import type { CheckedPayment, PaymentPayload } from "./payload.ts";

export type PaymentRow = typeof payments.$inferSelect;
export type PaymentStatus = PaymentRow["status"];

/** The job a payment buys, reserved with its id before settlement and created only after. */
export type ReservedJob = Omit<NewJob, "userId" | "apiKeyId" | "retryOf"> & { id: string };

/** What the `payload` JSON column holds: the signed payment and the job it pays for. */
export interface StoredPayload {
  payment: PaymentPayload;
  job: ReservedJob;
}

/**
 * Claims `(payer, nonce)` by inserting its row; false when the row exists already (a replay,
 * concurrent or not). The primary key makes this atomic across gateway replicas.
 */
export async function claimPayment(
  handle: Db,
  payment: CheckedPayment,
  network: string,
  job: ReservedJob,
): Promise<boolean> {
  const now = isoNow();
  const stored: StoredPayload = { payment: payment.payload, job };
  const inserted = await handle.write((db) =>
    db
      .insert(payments)
      .values({
        payer: payment.payer,
        nonce: payment.nonce,
        status: "claimed",
        network,
        amount: payment.payload.payload.authorization.value,
        jobId: job.id,
        payload: stored as unknown as Record<string, unknown>,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning({ payer: payments.payer }),
  );
  return inserted.length === 1;
}

/** Deletes a claim nothing was charged for, so the same authorization can be sent again. */
export async function releaseClaim(handle: Db, payer: string, nonce: string) {
  await handle.write((db) =>
    db
      .delete(payments)
      .where(
        and(
          eq(payments.payer, payer),
          eq(payments.nonce, nonce),
          inArray(payments.status, ["claimed", "settling"]),
        ),
      ),
  );
}

/**
 * Moves a payment to `status`, recording the transaction or the reason when given. With
 * `from`, only a payment still in one of those statuses moves, so that a slower writer (a
 * second reconciler) cannot undo a settlement; returns whether the row moved.
 */
export async function markPayment(
  handle: Db,
  key: { payer: string; nonce: string },
  status: PaymentStatus,
  fields: { transaction?: string | null; errorReason?: string | null } = {},
  from?: PaymentStatus[],
): Promise<boolean> {
  const moved = await handle.write((db) =>
    db
      .update(payments)
      .set({ status, ...fields, updatedAt: isoNow() })
      .where(
        and(
          eq(payments.payer, key.payer),
          eq(payments.nonce, key.nonce),
          from ? inArray(payments.status, from) : undefined,
        ),
      )
      .returning({ payer: payments.payer }),
  );
  return moved.length > 0;
}

export async function findPayment(handle: Db, payer: string, nonce: string) {
  return handle.db.query.payments.findFirst({
    where: and(eq(payments.payer, payer), eq(payments.nonce, nonce)),
  });
}

/** Payments in one of `statuses` last touched before `before` (ISO), oldest first. */
export async function paymentsIn(handle: Db, statuses: PaymentStatus[], before: string) {
  return handle.db.query.payments.findMany({
    where: and(inArray(payments.status, statuses), lt(payments.updatedAt, before)),
    orderBy: payments.updatedAt,
    limit: 100,
  });
}

export function storedPayload(row: PaymentRow): StoredPayload {
  return row.payload as unknown as StoredPayload;
}
