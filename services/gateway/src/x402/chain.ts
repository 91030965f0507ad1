import { type Address, createPublicClient, type Hex, http, parseAbiItem } from "viem";
import type { X402Settings } from "./settings.ts";

const authorizationUsed = parseAbiItem(
  "event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce)",
);
/** Base makes a block every 2 s; the search starts this many blocks before the payment. */
const BLOCK_SECONDS = 2;
const MARGIN_BLOCKS = 300n;

/**
 * The transaction that used `(payer, nonce)` on USDC, found through the token's
 * `AuthorizationUsed` event, or null when there is none (yet). Unlike the nonce's state,
 * the event tells a transfer (to our `payTo`, the only recipient the signature allows) from
 * a cancellation. Throws when the RPC endpoint fails.
 */
export async function findSettlement(
  settings: X402Settings & { rpcUrl: string },
  payer: string,
  nonce: string,
  sinceMs: number,
): Promise<Hex | null> {
  const client = createPublicClient({ transport: http(settings.rpcUrl, { timeout: 10_000 }) });
  const latest = await client.getBlockNumber();
  const back = BigInt(Math.ceil((Date.now() - sinceMs) / 1000 / BLOCK_SECONDS)) + MARGIN_BLOCKS;
  const logs = await client.getLogs({
    address: settings.asset,
    event: authorizationUsed,
    args: { authorizer: payer as Address, nonce: nonce as Hex },
    fromBlock: latest > back ? latest - back : 0n,
    toBlock: latest,
  });
  return logs[0]?.transactionHash ?? null;
}
