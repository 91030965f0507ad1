import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import {
  cookieOf,
  EVIL_ORIGIN,
  type HttpGateway,
  json,
  postJob,
  signUp,
  startHttpGateway,
  TRUSTED_ORIGIN,
} from "./auth-harness.ts";

// Sign-ups hash passwords with scrypt and every gateway boots NATS: slow on a busy machine.
setDefaultTimeout(60_000);

let gw: HttpGateway;

beforeAll(async () => {
  gw = await startHttpGateway();
}, 60_000);

afterAll(async () => {
  await gw?.stop();
});

describe("Better Auth at /api/auth", () => {
  test("sign-up sets a session cookie that get-session accepts", async () => {
    const user = await signUp(gw, "Ada");
    expect(user.cookie).toContain("better-auth.session_token=");
    const res = await gw.fetch("/api/auth/get-session", { headers: { cookie: user.cookie } });
    const body = await res.json();
    expect(body.user).toMatchObject({ id: user.id, email: user.email, name: "Ada" });
    // Stored in the service's database, dates as timestamp_ms integers.
    const row = await gw.svc.db.client.execute({
      sql: "SELECT created_at FROM user WHERE id = ?",
      args: [user.id],
    });
    expect(typeof row.rows[0]?.created_at).toBe("number");
  });

  test("sign-in with the right password starts a new session; a wrong one is 401", async () => {
    const user = await signUp(gw);
    const wrong = await gw.fetch(
      "/api/auth/sign-in/email",
      json({ email: user.email, password: "not-the-password" }),
    );
    expect(wrong.status).toBe(401);
    expect(cookieOf(wrong)).not.toContain("session_token=");
    const right = await gw.fetch(
      "/api/auth/sign-in/email",
      json({ email: user.email, password: user.password }),
    );
    expect(right.status).toBe(200);
    const cookie = cookieOf(right);
    expect(cookie).toContain("better-auth.session_token=");
    expect(cookie).not.toBe(user.cookie);
    const session = await (await gw.fetch("/api/auth/get-session", { headers: { cookie } })).json();
    expect(session.user.id).toBe(user.id);
  });

  test("Google sign-in is not offered without its credentials", async () => {
    const res = await gw.fetch("/api/auth/sign-in/social", json({ provider: "google" }));
    expect(res.status).toBe(404);
    expect((await res.json()).code).toBe("PROVIDER_NOT_FOUND");
  });

  test("a session creates jobs owned by its Better Auth user", async () => {
    const user = await signUp(gw);
    const { status, body } = await postJob(gw, { cookie: user.cookie, origin: TRUSTED_ORIGIN });
    expect(status).toBe(201);
    expect(body.job.user_id).toBe(user.id);
    const stored = await gw.svc.db.client.execute({
      sql: "SELECT user_id, api_key_id FROM jobs WHERE id = ?",
      args: [body.job.id],
    });
    expect(stored.rows[0]).toMatchObject({ user_id: user.id, api_key_id: null });
  });

  test("no credential, an expired or forged cookie: 401 on POST /api/jobs", async () => {
    expect((await postJob(gw, {})).status).toBe(401);
    const forged = await postJob(gw, { cookie: "better-auth.session_token=forged.value" });
    expect(forged).toMatchObject({
      status: 401,
      body: {
        error: "Unauthorized",
        code: "session_invalid",
        message: "Session expired or invalid; sign in again",
      },
    });
    const user = await signUp(gw);
    const out = await gw.fetch(
      "/api/auth/sign-out",
      json({}, { cookie: user.cookie, origin: TRUSTED_ORIGIN }),
    );
    expect(out.status).toBe(200);
    expect((await postJob(gw, { cookie: user.cookie })).status).toBe(401);
  });
});

describe("Authorization header", () => {
  test("Bearer carries an API key, whatever the scheme's case", async () => {
    for (const scheme of ["Bearer", "bearer"]) {
      const { status, body } = await postJob(gw, { authorization: `${scheme} ${gw.apiKey}` });
      expect(status).toBe(201);
      const stored = await gw.svc.db.client.execute({
        sql: "SELECT api_key_id FROM jobs WHERE id = ?",
        args: [body.job.id],
      });
      expect(stored.rows[0]?.api_key_id).toBeString();
    }
    const both = await postJob(gw, {
      authorization: `Bearer ${gw.apiKey}`,
      "x-api-key": gw.apiKey,
    });
    expect(both.status).toBe(201);
  });

  test("an unknown key is 401; a malformed header or two different keys, 401 with a code saying why", async () => {
    const unknown = await postJob(gw, { authorization: "Bearer ss_live_unknown" });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ error: "Unauthorized", code: "unauthorized" });
    for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", gw.apiKey]) {
      const res = await postJob(gw, { authorization });
      expect({ authorization, status: res.status, body: res.body }).toMatchObject({
        status: 401,
        body: {
          error: "Unauthorized",
          code: "authorization_malformed",
          message: 'Authorization must be "Bearer <API key>"',
        },
      });
    }
    const user = await signUp(gw);
    // A malformed header is refused even beside a valid session.
    const withCookie = await postJob(gw, { authorization: "Basic x", cookie: user.cookie });
    expect(withCookie.status).toBe(401);
    const mixed = await postJob(gw, {
      authorization: "Bearer ss_live_other",
      "x-api-key": gw.apiKey,
    });
    expect(mixed).toMatchObject({
      status: 401,
      body: {
        error: "Unauthorized",
        code: "api_key_conflict",
        message: "X-API-Key and Authorization carry different API keys",
      },
    });
  });
});

describe("cross-site requests", () => {
  test("a cookie POST from an untrusted origin is refused here and by Better Auth", async () => {
    const user = await signUp(gw);
    const job = await postJob(gw, { cookie: user.cookie, origin: EVIL_ORIGIN });
    expect(job.status).toBe(403);
    expect(job.body.code).toBe("forbidden");
    const fetchMeta = await postJob(gw, { cookie: user.cookie, "sec-fetch-site": "cross-site" });
    expect(fetchMeta.status).toBe(403);
    const key = await gw.fetch(
      "/api/api-keys",
      json({ name: "x" }, { cookie: user.cookie, origin: EVIL_ORIGIN }),
    );
    expect(key.status).toBe(403);
    const signOut = await gw.fetch(
      "/api/auth/sign-out",
      json({}, { cookie: user.cookie, origin: EVIL_ORIGIN }),
    );
    expect(signOut.status).toBe(403);
    // The session survived the refused sign-out.
    const session = await gw.fetch("/api/auth/get-session", { headers: { cookie: user.cookie } });
    expect((await session.json())?.user?.id).toBe(user.id);
    const signIn = await gw.fetch(
      "/api/auth/sign-in/email",
      json({ email: user.email, password: user.password }, { origin: EVIL_ORIGIN }),
    );
    expect(signIn.status).toBe(403);
    expect(cookieOf(signIn)).toBe("");
  });

  test("the same from a trusted origin, or a client without Origin, pass", async () => {
    const user = await signUp(gw);
    expect((await postJob(gw, { cookie: user.cookie, origin: TRUSTED_ORIGIN })).status).toBe(201);
    expect((await postJob(gw, { cookie: user.cookie })).status).toBe(201);
  });

  test("an API key is not a cookie: it works from any origin", async () => {
    const { status } = await postJob(gw, { "x-api-key": gw.apiKey, origin: EVIL_ORIGIN });
    expect(status).toBe(201);
  });
});

describe("CORS", () => {
  const preflight = (origin: string) =>
    gw.fetch("/api/jobs", {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, x-api-key, authorization, x-payment",
      },
    });

  test("a trusted origin's preflight allows credentials and the API's headers", async () => {
    const res = await preflight(TRUSTED_ORIGIN);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(TRUSTED_ORIGIN);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    const allowed = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase();
    for (const header of ["content-type", "x-api-key", "authorization", "x-payment"]) {
      expect(allowed).toContain(header);
    }
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    expect(res.headers.get("vary")).toContain("Origin");
  });

  test("other origins may call without credentials", async () => {
    const res = await preflight(EVIL_ORIGIN);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });

  test("responses expose X-PAYMENT-RESPONSE and Retry-After, Better Auth's too", async () => {
    for (const path of ["/api/jobs/00000000-0000-4000-8000-000000000000/status", "/api/auth/ok"]) {
      const res = await gw.fetch(path, { headers: { origin: TRUSTED_ORIGIN } });
      expect(res.headers.get("access-control-allow-origin")).toBe(TRUSTED_ORIGIN);
      const exposed = (res.headers.get("access-control-expose-headers") ?? "").toLowerCase();
      expect(exposed).toContain("x-payment-response");
      expect(exposed).toContain("retry-after");
    }
  });

  test("requests without Origin get no CORS headers", async () => {
    const res = await gw.fetch("/api/openapi.json");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    // Still `Vary: Origin`, so a shared cache keeps this copy from cross-origin callers.
    expect(res.headers.get("vary")).toContain("Origin");
  });
});

describe("Google sign-in", () => {
  test("is offered when GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are set", async () => {
    const google = await startHttpGateway({
      GOOGLE_CLIENT_ID: "client-id.apps.googleusercontent.com",
      GOOGLE_CLIENT_SECRET: "client-secret",
    });
    try {
      const res = await google.fetch(
        "/api/auth/sign-in/social",
        json({ provider: "google", callbackURL: "/" }),
      );
      expect(res.status).toBe(200);
      const url = new URL((await res.json()).url);
      expect(url.hostname).toBe("accounts.google.com");
      expect(url.searchParams.get("client_id")).toBe("client-id.apps.googleusercontent.com");
      expect(url.searchParams.get("redirect_uri")).toEndWith("/api/auth/callback/google");
    } finally {
      await google.stop();
    }
  });
});

describe("credential order with x402 on", () => {
  test("a bad key is 401, keys and sessions are served, only the rest gets 402", async () => {
    const paying = await startHttpGateway({
      X402_ENABLED: "true",
      X402_NETWORK: "base-sepolia",
      X402_PAY_TO: "0x767131d92c41d56546ec72fecd0f1d63900fa9d9",
    });
    try {
      const badKey = await postJob(paying, { "x-api-key": "ss_live_unknown", "x-payment": "e30=" });
      expect(badKey.status).toBe(401);
      const user = await signUp(paying);
      const session = await postJob(paying, { cookie: user.cookie });
      expect(session.status).toBe(201);
      expect(session.body.job.user_id).toBe(user.id);
      const key = await postJob(paying, { "x-api-key": paying.apiKey });
      expect(key.status).toBe(201);
      const bearer = await postJob(paying, { authorization: `Bearer ${paying.apiKey}` });
      expect(bearer.status).toBe(201);
      const malformed = await postJob(paying, { authorization: "Basic x", "x-payment": "e30=" });
      expect(malformed.status).toBe(401);
      expect((await postJob(paying, {})).status).toBe(402);
    } finally {
      await paying.stop();
    }
  });

  test("an expired or forged session cookie is 401, not 402, unless it comes with a payment", async () => {
    const paying = await startHttpGateway({
      X402_NETWORK: "base-sepolia",
      X402_PAY_TO: "0x767131d92c41d56546ec72fecd0f1d63900fa9d9",
    });
    try {
      const forged = { cookie: "better-auth.session_token=forged.value" };
      const refused = await postJob(paying, forged);
      expect(refused).toMatchObject({
        status: 401,
        body: { error: "Unauthorized", code: "session_invalid" },
      });
      const user = await signUp(paying);
      const out = await paying.fetch(
        "/api/auth/sign-out",
        json({}, { cookie: user.cookie, origin: TRUSTED_ORIGIN }),
      );
      expect(out.status).toBe(200);
      expect((await postJob(paying, { cookie: user.cookie })).status).toBe(401);
      // The stale cookie is ignored beside a payment: this one is malformed, so 402.
      const paid = await postJob(paying, { ...forged, "x-payment": "e30=" });
      expect(paid).toMatchObject({ status: 402, body: { error: "invalid_payload" } });
    } finally {
      await paying.stop();
    }
  });
});
