import { getAddress, isAddress } from "viem";
import { z } from "zod";
import { booleanSetting } from "@shopsniffer/shared/config";

const millis = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The public facilitator's host: it settles on testnets only (`base-sepolia` here). */
const TESTNET_ONLY_FACILITATOR_HOST = "x402.org";

/**
 * x402 settings of the gateway (spread into its config schema). Pay-per-job is on only when
 * `X402_ENABLED` is true and `X402_PAY_TO` is set. Money is integer atomic units only.
 */
export const x402ConfigShape = {
  X402_ENABLED: booleanSetting(true),
  /** The address that receives the USDC; stored checksummed. */
  X402_PAY_TO: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address")
    .transform((value, ctx) => {
      // Mixed case is an EIP-55 checksum: a wrong one means a typo, refused at boot.
      if (isAddress(value, { strict: true })) return getAddress(value);
      ctx.addIssue({ code: "custom", message: "address checksum is wrong" });
      return z.NEVER;
    })
    .optional(),
  X402_NETWORK: z.enum(["base", "base-sepolia"]).default("base"),
  /** Price of one job in USDC atomic units (6 decimals): 9990000 is 9.99 USDC. */
  X402_JOB_PRICE_ATOMIC: z
    .string()
    .regex(/^[1-9][0-9]{0,17}$/, "must be a positive integer of at most 18 digits")
    .default("9990000"),
  X402_FACILITATOR_URL: z.string().url().default("https://x402.org/facilitator"),
  /** How long a payer's authorization may stay valid; it bounds `validBefore` too. */
  X402_MAX_TIMEOUT_SECONDS: z.coerce.number().int().min(30).max(3_600).default(300),
  /** Timeout of the facilitator's `/verify` (and `/supported`); past it the caller gets 503. */
  X402_FACILITATOR_TIMEOUT_MS: millis(5_000),
  /** Timeout of `/settle`, which waits for the transfer's receipt. */
  X402_SETTLE_TIMEOUT_MS: millis(30_000),
  /** How often the reconciler looks at payments whose settlement outcome is unknown. */
  X402_RECONCILE_INTERVAL_MS: millis(60_000),
  /**
   * JSON-RPC endpoint of the payment network, used only by the reconciler to find out whether
   * an authorization whose settlement answer was lost went through on chain.
   */
  X402_RPC_URL: z.string().url().optional(),
};

type X402Config = z.infer<z.ZodObject<typeof x402ConfigShape>>;

/**
 * Cross-setting check of the gateway config: pay-per-job on mainnet (`base`, the default)
 * through the public x402.org facilitator cannot settle anything, so every payer would be
 * refused after signing. The gateway refuses to start instead.
 */
export function checkX402Network(config: X402Config, ctx: z.RefinementCtx) {
  if (!config.X402_ENABLED || !config.X402_PAY_TO || config.X402_NETWORK !== "base") return;
  const host = URL.parse(config.X402_FACILITATOR_URL)?.hostname ?? "";
  if (
    host !== TESTNET_ONLY_FACILITATOR_HOST &&
    !host.endsWith(`.${TESTNET_ONLY_FACILITATOR_HOST}`)
  ) {
    return;
  }
  ctx.addIssue({
    code: "custom",
    path: ["X402_FACILITATOR_URL"],
    message:
      `${config.X402_FACILITATOR_URL} settles on base-sepolia only; with X402_NETWORK=base set ` +
      "X402_FACILITATOR_URL to a mainnet facilitator, or set X402_NETWORK=base-sepolia",
  });
}
