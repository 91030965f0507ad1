import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { bootService } from "@shopsniffer/shared/service";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { createApp } from "../src/app.ts";
import { normalizeAddress, resolveAddress } from "../src/auth/client-address.ts";
import { gatewayConfigSchema } from "../src/config.ts";
import { addressBucket } from "../src/rate-limit.ts";
import { storeChecker } from "../src/store-check.ts";
import {
  createKey,
  type HttpGateway,
  postJob,
  signUp,
  startHttpGateway,
  STORE_DOMAIN,
} from "./auth-harness.ts";

// Sign-ups hash passwords with scrypt and every gateway boots NATS: slow on a busy machine.
setDefaultTimeout(60_000);

function expectLimited(reply: Awaited<ReturnType<typeof postJob>>, windowSeconds: number) {
  expect(reply.status).toBe(429);
  expect(reply.body.error).toBe("Rate limit exceeded");
  const retryAfter = reply.body.retry_after as number;
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  expect(reply.res.headers.get("retry-after")).toBe(String(retryAfter));
}

describe("per key and per user", () => {
  let gw: HttpGateway;
  beforeAll(async () => {
    gw = await startHttpGateway({
      RATE_LIMIT_JOBS_PER_KEY: "2",
      RATE_LIMIT_JOBS_PER_USER: "3",
      RATE_LIMIT_JOBS_PER_ADDRESS: "0",
      RATE_LIMIT_WINDOW_SECONDS: "3600",
    });
  }, 60_000);
  afterAll(async () => {
    await gw?.stop();
  });

  test("a key gets 429 past its limit, with retry_after and Retry-After", async () => {
    const user = await signUp(gw);
    const { key } = await createKey(gw, user);
    expect((await postJob(gw, { "x-api-key": key })).status).toBe(201);
    expect((await postJob(gw, { "x-api-key": key })).status).toBe(201);
    expectLimited(await postJob(gw, { "x-api-key": key }), 3600);
  });

  test("a user's keys and session share the user's limit; other users are unaffected", async () => {
    const user = await signUp(gw);
    const [one, two] = [await createKey(gw, user), await createKey(gw, user)];
    expect((await postJob(gw, { "x-api-key": one.key })).status).toBe(201);
    expect((await postJob(gw, { "x-api-key": two.key })).status).toBe(201);
    expect((await postJob(gw, { cookie: user.cookie })).status).toBe(201);
    expectLimited(await postJob(gw, { cookie: user.cookie }), 3600);
    expectLimited(await postJob(gw, { "x-api-key": two.key }), 3600);
    const other = await signUp(gw);
    expect((await postJob(gw, { cookie: other.cookie })).status).toBe(201);
  });

  test("a bad key is still 401, never 429", async () => {
    for (let i = 0; i < 4; i++) {
      expect((await postJob(gw, { "x-api-key": "ss_live_bad" })).status).toBe(401);
    }
  });

  test("retries count against the same limits", async () => {
    const user = await signUp(gw);
    const { key } = await createKey(gw, user);
    const { body } = await postJob(gw, { "x-api-key": key });
    expect((await postJob(gw, { "x-api-key": key })).status).toBe(201);
    const res = await gw.fetch(`/api/jobs/${body.job.id}/retry`, {
      method: "POST",
      headers: { "x-api-key": key },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});

describe("per client address", () => {
  let gw: HttpGateway;
  beforeAll(async () => {
    gw = await startHttpGateway({
      RATE_LIMIT_JOBS_PER_ADDRESS: "3",
      RATE_LIMIT_WINDOW_SECONDS: "3600",
    });
  }, 60_000);
  afterAll(async () => {
    await gw?.stop();
  });

  test("counts all credentials of one address; a forged X-Forwarded-For is ignored", async () => {
    const user = await signUp(gw);
    const { key } = await createKey(gw, user);
    expect((await postJob(gw, { "x-api-key": key })).status).toBe(201);
    expect((await postJob(gw, { cookie: user.cookie })).status).toBe(201);
    expect((await postJob(gw, { "x-api-key": gw.apiKey })).status).toBe(201);
    expectLimited(
      await postJob(gw, { "x-api-key": gw.apiKey, "x-forwarded-for": "10.9.8.7" }),
      3600,
    );
  });

  test("a second replica on the same database shares the counts", async () => {
    const svc = await bootService("gateway", gatewayConfigSchema, gw.world.env);
    const fetchStore = createStoreFetcher({ origins: svc.config.STORE_ORIGINS, timeoutMs: 5_000 });
    const replica = createApp({ svc, fetchStore, checkStore: storeChecker(fetchStore) }).listen({
      port: 0,
      hostname: "127.0.0.1",
    });
    try {
      const res = await fetch(`http://127.0.0.1:${replica.server?.port}/api/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": gw.apiKey },
        body: JSON.stringify({ domain: STORE_DOMAIN }),
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await replica.stop(true);
      await svc.close();
    }
  });
});

describe("behind a trusted proxy", () => {
  let gw: HttpGateway;
  beforeAll(async () => {
    gw = await startHttpGateway({
      TRUST_PROXY: "true",
      RATE_LIMIT_JOBS_PER_ADDRESS: "1",
      RATE_LIMIT_JOBS_PER_KEY: "0",
      RATE_LIMIT_WINDOW_SECONDS: "3600",
    });
  }, 60_000);
  afterAll(async () => {
    await gw?.stop();
  });

  test("the address the proxy appended is the one counted", async () => {
    const as = (chain: string) => postJob(gw, { "x-api-key": gw.apiKey, "x-forwarded-for": chain });
    expect((await as("203.0.113.5")).status).toBe(201);
    expectLimited(await as("203.0.113.5"), 3600);
    // The client may prepend anything; the proxy's last entry decides.
    expectLimited(await as("198.51.100.1, 203.0.113.5"), 3600);
    expect((await as("203.0.113.5, 203.0.113.6")).status).toBe(201);
  });
});

describe("settings", () => {
  test("0 turns a limit off and RATE_LIMIT_ENABLED=false turns them all off", async () => {
    const off = await startHttpGateway({
      RATE_LIMIT_JOBS_PER_KEY: "0",
      RATE_LIMIT_JOBS_PER_USER: "1",
      RATE_LIMIT_JOBS_PER_ADDRESS: "0",
    });
    const disabled = await startHttpGateway({
      RATE_LIMIT_ENABLED: "false",
      RATE_LIMIT_JOBS_PER_KEY: "1",
      RATE_LIMIT_JOBS_PER_ADDRESS: "1",
    });
    try {
      // The harness's operator key has no user, so only the (disabled) key limit applies.
      for (let i = 0; i < 5; i++) {
        expect((await postJob(off, { "x-api-key": off.apiKey })).status).toBe(201);
        expect((await postJob(disabled, { "x-api-key": disabled.apiKey })).status).toBe(201);
      }
    } finally {
      await off.stop();
      await disabled.stop();
    }
  });

  test("the window ends when retry_after says", async () => {
    const gw = await startHttpGateway({
      RATE_LIMIT_JOBS_PER_KEY: "1",
      RATE_LIMIT_WINDOW_SECONDS: "1",
    });
    try {
      let limited = await postJob(gw, { "x-api-key": gw.apiKey });
      // The first request may land at the very end of a window; go until one is refused.
      while (limited.status === 201) limited = await postJob(gw, { "x-api-key": gw.apiKey });
      expectLimited(limited, 1);
      await Bun.sleep(limited.body.retry_after * 1000);
      expect((await postJob(gw, { "x-api-key": gw.apiKey })).status).toBe(201);
    } finally {
      await gw.stop();
    }
  });
});

describe("client addresses", () => {
  const request = (xff?: string) =>
    new Request("http://gw.test/", { headers: xff ? { "x-forwarded-for": xff } : {} });
  const peer = { requestIP: () => ({ address: "::ffff:192.0.2.7" }) };

  test("the socket peer unless proxies are trusted, then the right hop of X-Forwarded-For", () => {
    expect(resolveAddress(request("198.51.100.1"), peer, 0)).toBe("192.0.2.7");
    expect(resolveAddress(request("1.1.1.1, 198.51.100.1"), peer, 1)).toBe("198.51.100.1");
    expect(resolveAddress(request("1.1.1.1, 198.51.100.1, 10.0.0.2"), peer, 2)).toBe(
      "198.51.100.1",
    );
    expect(resolveAddress(request(), peer, 1)).toBe("192.0.2.7");
    expect(resolveAddress(request(), null, 0)).toBeNull();
    expect(normalizeAddress("[2001:DB8::1]")).toBe("2001:db8::1");
  });

  test("IPv6 clients are counted per /64", () => {
    expect(addressBucket("2001:db8:1:2::1")).toBe(addressBucket("2001:db8:1:2:ffff::9"));
    expect(addressBucket("2001:db8:1:2::1")).not.toBe(addressBucket("2001:db8:1:3::1"));
    expect(addressBucket("192.0.2.1")).not.toBe(addressBucket("192.0.2.2"));
    expect(addressBucket("192.0.2.1")).not.toContain("192");
  });
});
