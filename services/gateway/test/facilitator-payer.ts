import type { LocalAccount } from "viem";
import { toHex } from "viem";
import { transferWithAuthorizationTypes, x402Networks } from "../src/x402/networks.ts";

/** What a test payer may get wrong on purpose; defaults make a valid Base payment. */
export interface PaymentOptions {
  to: string;
  value: string;
  validAfter?: number;
  validBefore?: number;
  nonce?: string;
  network?: string;
  domainName?: string;
  chainId?: number;
  x402Version?: number;
}

/**
 * Signs an EIP-3009 authorization with `account` and wraps it as an `X-PAYMENT` header, the
 * way x402 clients do, but with every field open to tampering.
 */
export async function signPayment(account: LocalAccount, options: PaymentOptions) {
  const now = Math.floor(Date.now() / 1000);
  const base = x402Networks.base;
  const authorization = {
    from: account.address,
    to: options.to as `0x${string}`,
    value: options.value,
    validAfter: String(options.validAfter ?? now - 600),
    validBefore: String(options.validBefore ?? now + 300),
    nonce: (options.nonce ?? toHex(crypto.getRandomValues(new Uint8Array(32)))) as `0x${string}`,
  };
  const signature = await account.signTypedData({
    domain: {
      name: options.domainName ?? base.eip712.name,
      version: base.eip712.version,
      chainId: options.chainId ?? base.chainId,
      verifyingContract: base.usdc,
    },
    types: transferWithAuthorizationTypes,
    primaryType: "TransferWithAuthorization",
    message: {
      ...authorization,
      value: BigInt(authorization.value),
      validAfter: BigInt(authorization.validAfter),
      validBefore: BigInt(authorization.validBefore),
    },
  });
  const payload = {
    x402Version: options.x402Version ?? 1,
    scheme: "exact",
    network: options.network ?? "base",
    payload: { signature, authorization },
  };
  return { header: encode(payload), payload };
}

export function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64");
}
