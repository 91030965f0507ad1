import type { Address } from "viem";

/**
 * The x402 v1 networks a job can be paid on, with USDC's contract and EIP-712 domain on each.
 * The domain name differs between them ("USD Coin" on Base, "USDC" on Base Sepolia): a
 * signature made for the other name or chain id does not verify.
 */
export const x402Networks = {
  base: {
    chainId: 8453,
    usdc: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
    eip712: { name: "USD Coin", version: "2" },
  },
  "base-sepolia": {
    chainId: 84532,
    usdc: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
    eip712: { name: "USDC", version: "2" },
  },
} as const satisfies Record<string, NetworkInfo>;

export type X402Network = keyof typeof x402Networks;

export interface NetworkInfo {
  chainId: number;
  usdc: Address;
  eip712: { name: string; version: string };
}

/** EIP-3009's `TransferWithAuthorization`, the typed data every v1 `exact` payment signs. */
export const transferWithAuthorizationTypes = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
} as const;
