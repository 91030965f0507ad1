import {
  type Address,
  encodeEventTopics,
  getAddress,
  type Hex,
  parseAbiItem,
  toHex,
  verifyTypedData,
} from "viem";
import { transferWithAuthorizationTypes, x402Networks } from "../src/x402/networks.ts";

/**
 * A local x402 v1 facilitator for offline tests: `/verify`, `/settle` and `/supported` over
 * HTTP, checking signatures for real with viem and keeping its own "on-chain" record of used
 * nonces. `/rpc` answers the two JSON-RPC calls the reconciler makes (`eth_blockNumber`,
 * `eth_getLogs`) from the same record, as the token's `AuthorizationUsed` events.
 */
export interface FakeFacilitator {
  url: string;
  rpcUrl: string;
  /** Switches; change them between requests. */
  mode: {
    insufficientFunds: boolean;
    /** `/settle` answers `success: false` with this reason. */
    settleFailure: string | null;
    /** With `settleFailure`: the transfer happens anyway and the answer names its hash. */
    settleFailureAfterTransfer: boolean;
    /** `/settle` answers `success: false` with neither a reason nor a transaction. */
    settleFailureBare: boolean;
    verifyDelayMs: number;
    /** The transfer happens, then the answer is held back this long. */
    settleDelayMs: number;
    /** `/settle` answers HTTP 500 without a body, and transfers nothing. */
    settleBroken: boolean;
  };
  calls: { verify: number; settle: number };
  /** Nonces (lower-case `payer:nonce`) transferred so far. */
  used: Set<string>;
  /** Stops listening (connection refused) or listens again on the same port. */
  setDown(down: boolean): void;
  stop(): void;
}

type Body = { paymentPayload?: any; paymentRequirements?: any };

const usedEvent = parseAbiItem(
  "event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce)",
);

export function startFacilitator(): FakeFacilitator {
  const fake = {
    mode: {
      insufficientFunds: false,
      settleFailure: null,
      settleFailureAfterTransfer: false,
      settleFailureBare: false,
      verifyDelayMs: 0,
      settleDelayMs: 0,
      settleBroken: false,
    },
    calls: { verify: 0, settle: 0 },
    used: new Set<string>(),
  } as Omit<FakeFacilitator, "url" | "rpcUrl" | "setDown" | "stop">;
  const logs: Record<string, unknown>[] = [];

  const handle = async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    if (path === "/supported") {
      const kinds = Object.keys(x402Networks).map((network) => ({
        x402Version: 1,
        scheme: "exact",
        network,
      }));
      return Response.json({ kinds });
    }
    if (req.method !== "POST") return new Response("not found", { status: 404 });
    const body = (await req.json().catch(() => ({}))) as Body;
    if (path === "/verify") return verify(body);
    if (path === "/settle") return settle(body);
    if (path === "/rpc") return rpc(body as any);
    return new Response("not found", { status: 404 });
  };

  const verify = async (body: Body) => {
    fake.calls.verify++;
    await Bun.sleep(fake.mode.verifyDelayMs);
    const payer = body.paymentPayload?.payload?.authorization?.from;
    const reason = await problem(body, fake);
    return Response.json({ isValid: reason === null, invalidReason: reason ?? undefined, payer });
  };

  const settle = async (body: Body) => {
    fake.calls.settle++;
    if (fake.mode.settleBroken) return new Response("internal error", { status: 500 });
    if (fake.mode.settleFailureBare) return Response.json({ success: false });
    const auth = body.paymentPayload?.payload?.authorization;
    const network = body.paymentRequirements?.network;
    const reason = fake.mode.settleFailure ?? (await problem(body, fake));
    if (reason) {
      const transaction = fake.mode.settleFailureAfterTransfer ? record(auth) : "";
      return Response.json({ success: false, errorReason: reason, transaction, network });
    }
    const transaction = record(auth);
    await Bun.sleep(fake.mode.settleDelayMs);
    return Response.json({ success: true, transaction, network, payer: auth.from });
  };

  const record = (auth: Record<string, string>): Hex => {
    fake.used.add(`${auth.from?.toLowerCase()}:${auth.nonce?.toLowerCase()}`);
    const digest = new Bun.CryptoHasher("sha256").update(`${auth.from}${auth.nonce}`);
    const transaction = `0x${digest.digest("hex")}` as Hex;
    const topics = encodeEventTopics({
      abi: [usedEvent],
      eventName: "AuthorizationUsed",
      args: { authorizer: auth.from as Address, nonce: auth.nonce as Hex },
    });
    logs.push({
      address: x402Networks.base.usdc.toLowerCase(),
      blockHash: transaction,
      blockNumber: toHex(logs.length + 1),
      data: "0x",
      logIndex: "0x0",
      transactionHash: transaction,
      transactionIndex: "0x0",
      topics,
      removed: false,
    });
    return transaction;
  };

  const rpc = (call: { id: number; method: string; params: any[] }) => {
    const answer = (result: unknown) => Response.json({ jsonrpc: "2.0", id: call.id, result });
    if (call.method === "eth_blockNumber") return answer(toHex(logs.length + 1));
    if (call.method === "eth_chainId") return answer(toHex(x402Networks.base.chainId));
    if (call.method === "eth_getLogs") {
      const topics: (string | null)[] = call.params?.[0]?.topics ?? [];
      const matches = logs.filter((log) =>
        topics.every((t, i) => t === null || (log.topics as string[])[i] === t?.toLowerCase()),
      );
      return answer(matches);
    }
    return Response.json({ jsonrpc: "2.0", id: call.id, error: { code: -32601, message: "nope" } });
  };

  let server: ReturnType<typeof Bun.serve> | null = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: handle,
  });
  const port = server.port;
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(fake, {
    url,
    rpcUrl: `${url}/rpc`,
    setDown(down: boolean) {
      if (down && server) {
        server.stop(true);
        server = null;
      } else if (!down && !server) {
        server = Bun.serve({ port, hostname: "127.0.0.1", fetch: handle });
      }
    },
    stop() {
      server?.stop(true);
      server = null;
    },
  }) as FakeFacilitator;
}

/** What a facilitator would refuse the payment for, or null. */
async function problem(
  body: Body,
  fake: Pick<FakeFacilitator, "mode" | "used">,
): Promise<string | null> {
  const payment = body.paymentPayload;
  const req = body.paymentRequirements;
  const auth = payment?.payload?.authorization;
  if (!payment || !req || !auth) return "invalid_payload";
  if (payment.scheme !== "exact" || req.scheme !== "exact") return "unsupported_scheme";
  const network = x402Networks[req.network as keyof typeof x402Networks];
  if (!network || payment.network !== req.network) return "invalid_network";
  if (getAddress(auth.to) !== getAddress(req.payTo)) {
    return "invalid_exact_evm_payload_recipient_mismatch";
  }
  if (BigInt(auth.value) !== BigInt(req.maxAmountRequired)) {
    return "invalid_exact_evm_payload_authorization_value";
  }
  const now = Math.floor(Date.now() / 1000);
  if (Number(auth.validAfter) > now) return "invalid_exact_evm_payload_authorization_valid_after";
  if (Number(auth.validBefore) < now + 6) {
    return "invalid_exact_evm_payload_authorization_valid_before";
  }
  const signed = await verifyTypedData({
    address: auth.from,
    domain: {
      name: req.extra?.name,
      version: req.extra?.version,
      chainId: network.chainId,
      verifyingContract: req.asset,
    },
    types: transferWithAuthorizationTypes,
    primaryType: "TransferWithAuthorization",
    message: {
      ...auth,
      value: BigInt(auth.value),
      validAfter: BigInt(auth.validAfter),
      validBefore: BigInt(auth.validBefore),
    },
    signature: payment.payload.signature,
  }).catch(() => false);
  if (!signed) return "invalid_exact_evm_payload_signature";
  if (fake.used.has(`${auth.from.toLowerCase()}:${auth.nonce.toLowerCase()}`)) {
    return "invalid_exact_evm_nonce_already_used";
  }
  if (fake.mode.insufficientFunds) return "insufficient_funds";
  return null;
}
