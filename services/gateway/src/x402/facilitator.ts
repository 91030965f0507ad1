import { z } from "zod";
import type { PaymentPayload } from "./payload.ts";
import type { PaymentRequirements } from "./requirements.ts";
import type { X402Settings } from "./settings.ts";

const verifyResponse = z.object({
  isValid: z.boolean(),
  invalidReason: z.string().nullish(),
  payer: z.string().nullish(),
});

const settleResponse = z.object({
  success: z.boolean(),
  errorReason: z.string().nullish(),
  payer: z.string().nullish(),
  transaction: z.string().nullish(),
  network: z.string().nullish(),
});

export type VerifyResult = z.infer<typeof verifyResponse>;
export type SettleResult = z.infer<typeof settleResponse>;

/**
 * How a facilitator call ended. `unreachable`: the request never got there (connection
 * refused), so nothing happened. `failed`: it may have got there but no usable answer came
 * back (timeout, HTTP error, malformed body); for `/settle` the outcome is then unknown.
 */
export type Call<T> =
  | { kind: "answer"; body: T }
  | { kind: "unreachable"; detail: string }
  | { kind: "failed"; detail: string };

/** A client of the x402 v1 facilitator HTTP API (`/verify`, `/settle`), with timeouts. */
export interface Facilitator {
  verify(payload: PaymentPayload, requirements: PaymentRequirements): Promise<Call<VerifyResult>>;
  settle(payload: PaymentPayload, requirements: PaymentRequirements): Promise<Call<SettleResult>>;
}

export function facilitatorClient(settings: X402Settings): Facilitator {
  const post = async <T>(
    path: string,
    schema: z.ZodType<T>,
    timeoutMs: number,
    payload: PaymentPayload,
    requirements: PaymentRequirements,
  ): Promise<Call<T>> => {
    const body = JSON.stringify({
      x402Version: 1,
      paymentPayload: payload,
      paymentRequirements: requirements,
    });
    let response: Response;
    try {
      response = await fetch(`${settings.facilitatorUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      });
    } catch (error) {
      return { kind: neverSent(error) ? "unreachable" : "failed", detail: describe(error) };
    }
    const parsed = schema.safeParse(await response.json().catch(() => null));
    if (!response.ok && !parsed.success) {
      return { kind: "failed", detail: `HTTP ${response.status}` };
    }
    if (!parsed.success) return { kind: "failed", detail: "malformed answer" };
    return { kind: "answer", body: parsed.data };
  };
  return {
    verify: (p, r) => post("/verify", verifyResponse, settings.verifyTimeoutMs, p, r),
    settle: (p, r) => post("/settle", settleResponse, settings.settleTimeoutMs, p, r),
  };
}

/** True for errors raised before a request could reach the server. */
function neverSent(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? "";
  return ["ConnectionRefused", "ECONNREFUSED", "ENOTFOUND", "FailedToOpenSocket"].includes(code);
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code ? `${error.name} ${code}` : `${error.name}: ${error.message}`;
  }
  return String(error);
}
