import { describe, expect, test } from "bun:test";
import { loadConfig } from "@shopsniffer/shared/config";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { gatewayConfigSchema } from "../src/config.ts";
import { x402Settings } from "../src/x402/settings.ts";

const payTo = privateKeyToAccount(generatePrivateKey()).address;
const parse = (env: Record<string, string>) => gatewayConfigSchema.safeParse(env);
/** A mainnet facilitator (any URL but the public testnet one). */
const MAINNET_FACILITATOR = "https://facilitator.example.com";
const settingsOf = (env: Record<string, string>) =>
  x402Settings(
    loadConfig(gatewayConfigSchema, { X402_FACILITATOR_URL: MAINNET_FACILITATOR, ...env }),
  );

describe("x402 settings", () => {
  test("off without X402_PAY_TO, or with X402_ENABLED=false", () => {
    expect(settingsOf({})).toBeNull();
    expect(settingsOf({ X402_PAY_TO: payTo, X402_ENABLED: "false" })).toBeNull();
    expect(settingsOf({ X402_PAY_TO: payTo })).not.toBeNull();
  });

  test("each network has its own chain, USDC contract and EIP-712 domain name", () => {
    const base = settingsOf({ X402_PAY_TO: payTo });
    expect(base?.domain).toEqual({
      name: "USD Coin",
      version: "2",
      chainId: 8453,
      verifyingContract: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
    });
    const sepolia = settingsOf({ X402_PAY_TO: payTo, X402_NETWORK: "base-sepolia" });
    expect(sepolia?.domain).toEqual({
      name: "USDC",
      version: "2",
      chainId: 84532,
      verifyingContract: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
    });
  });

  test("mainnet with the public x402.org facilitator (testnet only) is a config error", () => {
    const refused = parse({ X402_PAY_TO: payTo });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues).toEqual([
      expect.objectContaining({
        path: ["X402_FACILITATOR_URL"],
        message: expect.stringContaining("base-sepolia only"),
      }),
    ]);
    const explicit = {
      X402_PAY_TO: payTo,
      X402_FACILITATOR_URL: "https://www.x402.org/facilitator/",
    };
    expect(parse({ ...explicit, X402_NETWORK: "base" }).success).toBe(false);
    expect(parse({ ...explicit, X402_NETWORK: "base-sepolia" }).success).toBe(true);
    expect(parse({ X402_PAY_TO: payTo, X402_FACILITATOR_URL: MAINNET_FACILITATOR }).success).toBe(
      true,
    );
    // Pay-per-job off: nothing to settle, nothing to refuse.
    expect(parse({}).success).toBe(true);
    expect(parse({ X402_PAY_TO: payTo, X402_ENABLED: "false" }).success).toBe(true);
  });

  test("the price is an integer of atomic units; the resource comes from PUBLIC_URL", () => {
    const s = settingsOf({ X402_PAY_TO: payTo, PUBLIC_URL: "https://shop.example/" });
    expect(s?.priceAtomic).toBe(9_990_000n);
    expect(s?.resource).toBe("https://shop.example/api/jobs");
    for (const price of ["9.99", "0", "-1", "1e6", "1234567890123456789"]) {
      expect(parse({ X402_JOB_PRICE_ATOMIC: price }).success).toBe(false);
    }
  });

  test("X402_PAY_TO must be an address with a right checksum; it is stored checksummed", () => {
    const lower = settingsOf({ X402_PAY_TO: payTo.toLowerCase() });
    expect(lower?.payTo).toBe(payTo);
    const flipped = payTo.replace(/[a-f]/, (c) => c.toUpperCase());
    expect(parse({ X402_PAY_TO: flipped }).success).toBe(flipped === payTo);
    expect(parse({ X402_PAY_TO: "0x1234" }).success).toBe(false);
    expect(parse({ X402_NETWORK: "ethereum" }).success).toBe(false);
  });
});
