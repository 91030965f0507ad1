import { count } from "drizzle-orm";
import { jobs, type payments } from "@shopsniffer/shared/db/schema";
import { DEMO_DOMAIN, generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { type FakeFacilitator, startFacilitator } from "./facilitator-server.ts";
import { type GatewayHarness, startGateway } from "./harness.ts";

export const PUBLIC_URL = "http://gateway.test";
export const PRICE = "9990000";
/** A second domain served by the same demo store. */
export const OTHER_STORE = "other.shopsniffer.test";

/** An in-process gateway taking x402 payments through a local facilitator. */
export interface PaidGateway {
  gw: GatewayHarness;
  store: RunningStorefront;
  facilitator: FakeFacilitator;
  payTo: `0x${string}`;
  /** `POST /api/jobs` with `body` (JSON) and extra headers. */
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  jobCount(): Promise<number>;
  payment(payer: string, nonce: string): Promise<typeof payments.$inferSelect | undefined>;
  stop(): Promise<void>;
}

export async function startPaidGateway(env: Record<string, string> = {}): Promise<PaidGateway> {
  const store = await startStorefront({ store: generateDemoStore({ productCount: 3 }) });
  const facilitator = startFacilitator();
  const payTo = privateKeyToAccount(generatePrivateKey()).address;
  const gw = await startGateway({
    STORE_ORIGINS: `${DEMO_DOMAIN}=${store.origin},${OTHER_STORE}=${store.origin}`,
    PUBLIC_URL,
    X402_PAY_TO: payTo,
    X402_NETWORK: "base",
    X402_JOB_PRICE_ATOMIC: PRICE,
    X402_FACILITATOR_URL: facilitator.url,
    X402_RPC_URL: facilitator.rpcUrl,
    X402_FACILITATOR_TIMEOUT_MS: "1000",
    X402_SETTLE_TIMEOUT_MS: "1000",
    // Dozens of requests come from one test address; the limits have their own tests.
    RATE_LIMIT_ENABLED: "false",
    ...env,
  });
  const { db } = gw.svc.db;
  return {
    gw,
    store,
    facilitator,
    payTo,
    post: (body, headers = {}) =>
      gw.request("/api/jobs", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      }),
    jobCount: async () => (await db.select({ n: count() }).from(jobs))[0]?.n ?? 0,
    payment: (payer, nonce) =>
      db.query.payments.findFirst({
        where: (p, { and, eq }) =>
          and(eq(p.payer, payer.toLowerCase()), eq(p.nonce, nonce.toLowerCase())),
      }),
    async stop() {
      await gw.stop();
      await store.stop();
      facilitator.stop();
    },
  };
}

/** The base64 JSON of an `X-PAYMENT-RESPONSE` header, decoded. */
export function settlementOf(res: Response): Record<string, any> | null {
  const header = res.headers.get("x-payment-response");
  return header ? JSON.parse(Buffer.from(header, "base64").toString("utf8")) : null;
}
