import type { X402Settings } from "./settings.ts";

/** One x402 v1 `PaymentRequirements` entry, as clients read it from `accepts`. */
export interface PaymentRequirements {
  scheme: "exact";
  network: string;
  maxAmountRequired: string;
  resource: string;
  description: string;
  mimeType: string;
  payTo: string;
  maxTimeoutSeconds: number;
  asset: string;
  extra: { name: string; version: string };
}

/** What one job costs and how to pay it: the single entry of `accepts`. */
export function jobRequirements(settings: X402Settings): PaymentRequirements {
  return {
    scheme: "exact",
    network: settings.network,
    maxAmountRequired: settings.priceAtomic.toString(),
    resource: settings.resource,
    description: "Create one ShopSniffer store analysis job",
    mimeType: "application/json",
    payTo: settings.payTo,
    maxTimeoutSeconds: settings.maxTimeoutSeconds,
    asset: settings.asset,
    extra: { name: settings.domain.name ?? "", version: settings.domain.version ?? "" },
  };
}

/**
 * The 402 body: the standard v1 fields real x402 clients read (`x402Version` as a number,
 * top-level `accepts`) beside the reference's nested `x402` form. `error` is "Payment
 * Required" when nothing was paid, else the x402 reason the payment was refused for.
 */
export function paymentRequiredBody(settings: X402Settings, error?: string, payer?: string) {
  const accepts = [jobRequirements(settings)];
  return {
    error: error ?? "Payment Required",
    code: "payment_required",
    x402Version: 1,
    accepts,
    x402: { version: "1", accepts },
    ...(payer ? { payer } : {}),
  };
}

/** A settlement result as the `X-PAYMENT-RESPONSE` header carries it (base64 JSON). */
export interface SettlementHeader {
  success: boolean;
  transaction: string;
  network: string;
  payer: string;
  errorReason?: string;
}

export function encodeSettlementHeader(settlement: SettlementHeader): string {
  return Buffer.from(JSON.stringify(settlement)).toString("base64");
}
