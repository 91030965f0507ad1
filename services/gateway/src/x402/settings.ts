import type { Address, TypedDataDomain } from "viem";
import type { GatewayConfig } from "../config.ts";
import { type X402Network, x402Networks } from "./networks.ts";

/** Everything the payment flow needs, derived once from the gateway's config. */
export interface X402Settings {
  network: X402Network;
  /** USDC's contract on `network`: the `asset` of the requirements. */
  asset: Address;
  /** The EIP-712 domain a payer's signature must be made for. */
  domain: TypedDataDomain & { chainId: number; verifyingContract: Address };
  payTo: Address;
  priceAtomic: bigint;
  maxTimeoutSeconds: number;
  /** Absolute URL of `POST /api/jobs`, from `PUBLIC_URL` (never from the request's Host). */
  resource: string;
  facilitatorUrl: string;
  verifyTimeoutMs: number;
  settleTimeoutMs: number;
  rpcUrl: string | null;
}

const cache = new WeakMap<GatewayConfig, X402Settings | null>();

/** The x402 settings, or null when pay-per-job is off (disabled, or no `X402_PAY_TO`). */
export function x402Settings(config: GatewayConfig): X402Settings | null {
  if (!cache.has(config)) cache.set(config, derive(config));
  return cache.get(config) ?? null;
}

function derive(config: GatewayConfig): X402Settings | null {
  if (!config.X402_ENABLED || !config.X402_PAY_TO) return null;
  const net = x402Networks[config.X402_NETWORK];
  return {
    network: config.X402_NETWORK,
    asset: net.usdc,
    domain: { ...net.eip712, chainId: net.chainId, verifyingContract: net.usdc },
    payTo: config.X402_PAY_TO as Address,
    priceAtomic: BigInt(config.X402_JOB_PRICE_ATOMIC),
    maxTimeoutSeconds: config.X402_MAX_TIMEOUT_SECONDS,
    resource: `${config.PUBLIC_URL}/api/jobs`,
    facilitatorUrl: config.X402_FACILITATOR_URL.replace(/\/+$/, ""),
    verifyTimeoutMs: config.X402_FACILITATOR_TIMEOUT_MS,
    settleTimeoutMs: config.X402_SETTLE_TIMEOUT_MS,
    rpcUrl: config.X402_RPC_URL ?? null,
  };
}
