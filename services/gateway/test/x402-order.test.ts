import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { DEMO_DOMAIN, generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { type GatewayHarness, postJson, startGateway } from "./harness.ts";

// Every gateway boots NATS: slow on a busy machine.
setDefaultTimeout(60_000);

/** A site that answers, but is no Shopify store. */
const PLAIN_SITE = "plain.shopsniffer.test";
/** A domain whose origin refuses connections. */
const DEAD_SITE = "dead.shopsniffer.test";

let gw: GatewayHarness;
let store: RunningStorefront;
let plain: ReturnType<typeof Bun.serve>;

beforeAll(async () => {
  store = await startStorefront({ store: generateDemoStore({ productCount: 3 }) });
  plain = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req) =>
      new URL(req.url).pathname === "/"
        ? new Response("<html><body><h1>A plain site</h1></body></html>", {
            headers: { "content-type": "text/html" },
          })
        : new Response("Not found", { status: 404 }),
  });
  const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const deadOrigin = `http://127.0.0.1:${closed.port}`;
  await closed.stop(true);
  gw = await startGateway({
    STORE_ORIGINS: [
      `${DEMO_DOMAIN}=${store.origin}`,
      `${PLAIN_SITE}=${plain.url.origin}`,
      `${DEAD_SITE}=${deadOrigin}`,
    ].join(","),
    X402_NETWORK: "base-sepolia",
    X402_PAY_TO: privateKeyToAccount(generatePrivateKey()).address,
    RATE_LIMIT_ENABLED: "false",
  });
}, 60_000);

afterAll(async () => {
  await gw?.stop();
  await store?.stop();
  await plain?.stop(true);
});

/** `POST /api/jobs` with no credentials (or the given headers); status and JSON body. */
async function post(body: unknown, headers: Record<string, string> = {}) {
  const init = postJson(body);
  const res = await gw.request("/api/jobs", {
    ...init,
    headers: { ...(init.headers as Record<string, string>), ...headers },
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe("with x402 on, a request without payment is checked like a paid one first", () => {
  test("a bad domain is 400 invalid_domain, not 402", async () => {
    for (const domain of ["10.0.0.1", "not a domain"]) {
      const { status, body } = await post({ domain });
      expect({ domain, status, code: body.code }).toEqual({
        domain,
        status: 400,
        code: "invalid_domain",
      });
    }
  });

  test("an unreachable store is 422 store_unreachable, not 402", async () => {
    const { status, body } = await post({ domain: DEAD_SITE });
    expect(status).toBe(422);
    expect(body.code).toBe("store_unreachable");
  });

  test("a site that is no Shopify store is 422 not_shopify, not 402", async () => {
    const { status, body } = await post({ domain: PLAIN_SITE });
    expect(status).toBe(422);
    expect(body.code).toBe("not_shopify");
  });

  test("a refused X-PAYMENT does not hide a bad domain either", async () => {
    const { status, body } = await post({ domain: "10.0.0.1" }, { "x-payment": "garbage" });
    expect(status).toBe(400);
    expect(body.code).toBe("invalid_domain");
  });

  test("a store that can be analysed gets 402 with what to pay", async () => {
    const { status, body } = await post({ domain: DEMO_DOMAIN });
    expect(status).toBe(402);
    expect(body.error).toBe("Payment Required");
    expect(body.accepts).toHaveLength(1);
    const refused = await post({ domain: DEMO_DOMAIN }, { "x-payment": "garbage" });
    expect(refused).toMatchObject({ status: 402, body: { error: "invalid_payload" } });
  });

  test("still first: a presented bad API key is 401, a malformed body 400", async () => {
    const badKey = await post({ domain: "10.0.0.1" }, { "x-api-key": "ss_live_wrong" });
    expect(badKey.status).toBe(401);
    const malformed = await post({ domain: DEMO_DOMAIN, surprise: true });
    expect(malformed).toMatchObject({ status: 400, body: { code: "invalid_input" } });
    const notJson = await post("{not json");
    expect(notJson).toMatchObject({ status: 400, body: { code: "invalid_input" } });
  });
});
