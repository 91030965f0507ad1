import { type Address, getAddress, type Hex, verifyTypedData } from "viem";
import { z } from "zod";
import { transferWithAuthorizationTypes } from "./networks.ts";
import type { X402Settings } from "./settings.ts";

/** Larger `X-PAYMENT` headers are refused unread; an EOA payment is about 700 bytes. */
export const MAX_PAYMENT_HEADER_BYTES = 8_192;
/** `validBefore` must leave the facilitator at least this long (a few blocks) to settle. */
const MIN_VALIDITY_SECONDS = 6;
/** Clock skew allowed on top of `maxTimeoutSeconds` when bounding `validBefore`. */
const SKEW_SECONDS = 60;
/** 0x plus 65 bytes: an externally owned account's signature. */
const EOA_SIGNATURE_LENGTH = 132;

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const uint = z.string().regex(/^[0-9]{1,20}$/);

/** The decoded `X-PAYMENT` of the v1 `exact` EVM scheme (unknown extra fields are ignored). */
export const paymentPayloadSchema = z.object({
  x402Version: z.number(),
  scheme: z.string().max(32),
  network: z.string().max(64),
  payload: z.object({
    signature: z
      .string()
      .regex(/^0x[0-9a-fA-F]+$/)
      .max(4_096),
    authorization: z.object({
      from: address,
      to: address,
      value: z.string().regex(/^[0-9]{1,18}$/),
      validAfter: uint,
      validBefore: uint,
      nonce: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
    }),
  }),
});

export type PaymentPayload = z.infer<typeof paymentPayloadSchema>;

/** A payment that passed every check that needs no network. */
export interface CheckedPayment {
  payload: PaymentPayload;
  /** Lower-case payer address and nonce: the replay key. */
  payer: string;
  nonce: string;
  validBefore: number;
}

export type PaymentCheck =
  | { ok: true; payment: CheckedPayment }
  | { ok: false; reason: string; payer?: string };

/** Decodes `X-PAYMENT` (base64 JSON) and runs the offline checks, in the order x402 does. */
export async function checkPaymentHeader(
  settings: X402Settings,
  header: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<PaymentCheck> {
  const payload = decode(header);
  if (!payload) return { ok: false, reason: "invalid_payload" };
  const auth = payload.payload.authorization;
  const payer = auth.from.toLowerCase();
  const refuse = (reason: string): PaymentCheck => ({ ok: false, reason, payer });

  if (payload.x402Version !== 1) return refuse("invalid_x402_version");
  if (payload.scheme !== "exact") return refuse("unsupported_scheme");
  if (payload.network !== settings.network) return refuse("invalid_network");
  if (auth.to.toLowerCase() !== settings.payTo.toLowerCase()) {
    return refuse("invalid_exact_evm_payload_recipient_mismatch");
  }
  if (BigInt(auth.value) !== settings.priceAtomic) {
    return refuse("invalid_exact_evm_payload_authorization_value");
  }
  const window = checkWindow(settings, auth, nowSeconds);
  if (window) return refuse(window);
  if (!(await signatureMatches(settings, payload))) {
    return refuse("invalid_exact_evm_payload_signature");
  }
  return {
    ok: true,
    payment: {
      payload,
      payer,
      nonce: auth.nonce.toLowerCase(),
      validBefore: Number(auth.validBefore),
    },
  };
}

function decode(header: string): PaymentPayload | null {
  if (header.length > MAX_PAYMENT_HEADER_BYTES) return null;
  const trimmed = header.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return null;
  try {
    const parsed = paymentPayloadSchema.safeParse(
      JSON.parse(Buffer.from(trimmed, "base64").toString("utf8")),
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function checkWindow(
  settings: X402Settings,
  auth: PaymentPayload["payload"]["authorization"],
  now: number,
): string | null {
  if (Number(auth.validAfter) > now) return "invalid_exact_evm_payload_authorization_valid_after";
  const validBefore = Number(auth.validBefore);
  const latest = now + settings.maxTimeoutSeconds + SKEW_SECONDS;
  if (validBefore < now + MIN_VALIDITY_SECONDS || validBefore > latest) {
    return "invalid_exact_evm_payload_authorization_valid_before";
  }
  return null;
}

/**
 * EIP-712 check against our USDC domain. Only EOA signatures are checked here.
 * FIXME: smart-wallet signatures (ERC-1271/6492, longer than 65 bytes) need an RPC call to
 * verify, so they are refused; wallets of that kind cannot pay for jobs yet.
 */
async function signatureMatches(settings: X402Settings, payload: PaymentPayload) {
  const { signature, authorization: auth } = payload.payload;
  if (signature.length !== EOA_SIGNATURE_LENGTH) return false;
  try {
    return await verifyTypedData({
      address: getAddress(auth.from) as Address,
      domain: settings.domain,
      types: transferWithAuthorizationTypes,
      primaryType: "TransferWithAuthorization",
      message: {
        from: getAddress(auth.from),
        to: getAddress(auth.to),
        value: BigInt(auth.value),
        validAfter: BigInt(auth.validAfter),
        validBefore: BigInt(auth.validBefore),
        nonce: auth.nonce as Hex,
      },
      signature: signature as Hex,
    });
  } catch {
    return false;
  }
}
