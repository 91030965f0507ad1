import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { startStorefront } from "@shopsniffer/shared/storefront/server";
import { type GatewayHarness, startGateway } from "./harness.ts";

/** The browser origin the auth tests trust (`CORS_ORIGINS`), and one they do not. */
export const TRUSTED_ORIGIN = "https://app.shopsniffer.test";
export const EVIL_ORIGIN = "https://evil.example";
/** A store domain served by the harness's own storefront. */
export const STORE_DOMAIN = "demo.shopsniffer.test";

/**
 * A gateway listening on a real port (so requests travel over HTTP and have a peer address),
 * with a local storefront for `STORE_DOMAIN`.
 */
export interface HttpGateway extends GatewayHarness {
  url: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export async function startHttpGateway(env: Record<string, string> = {}): Promise<HttpGateway> {
  const store = await startStorefront({ store: generateDemoStore({ productCount: 3 }) });
  const gw = await startGateway({
    STORE_ORIGINS: `${STORE_DOMAIN}=${store.origin}`,
    CORS_ORIGINS: TRUSTED_ORIGIN,
    // Every test signs users up from 127.0.0.1, past Better Auth's 3 sign-ups per 10 seconds;
    // auth-rate-limit.test.ts turns the limiter back on.
    AUTH_RATE_LIMIT_ENABLED: "false",
    ...env,
  });
  const listening = gw.app.listen({ port: 0, hostname: "127.0.0.1" });
  const url = `http://127.0.0.1:${listening.server?.port}`;
  return {
    ...gw,
    url,
    fetch: (path, init) => fetch(`${url}${path}`, init),
    async stop() {
      await listening.stop(true);
      await gw.stop();
      await store.stop();
    },
  };
}

/** A signed-up user: their Better Auth id and the session cookie to send. */
export interface TestUser {
  id: string;
  email: string;
  password: string;
  cookie: string;
}

let counter = 0;

/** Signs a new user up by email and password and returns their session cookie. */
export async function signUp(gw: HttpGateway, name = "Test User"): Promise<TestUser> {
  counter += 1;
  const email = `user${counter}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = `pw-${crypto.randomUUID()}`;
  const res = await gw.fetch("/api/auth/sign-up/email", json({ email, password, name }));
  if (res.status !== 200) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { user: { id: string } };
  return { id: body.user.id, email, password, cookie: cookieOf(res) };
}

/** The `name=value` pairs of a response's `Set-Cookie` headers, as a `Cookie` header. */
export function cookieOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
}

/** A JSON request, with extra headers. */
export function json(body: unknown, headers: Record<string, string> = {}, method = "POST") {
  return {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

/** Creates an API key through the API with a session cookie. */
export async function createKey(gw: HttpGateway, user: TestUser, name?: string) {
  const res = await gw.fetch(
    "/api/api-keys",
    json(name === undefined ? {} : { name }, {
      cookie: user.cookie,
    }),
  );
  if (res.status !== 201) throw new Error(`key creation failed: ${res.status}`);
  return (await res.json()) as { id: string; key: string; name: string; message: string };
}

/** Creates a job for the harness's store with the given headers; returns status and body. */
export async function postJob(gw: HttpGateway, headers: Record<string, string>, extra = {}) {
  const res = await gw.fetch("/api/jobs", json({ domain: STORE_DOMAIN, ...extra }, headers));
  return { res, status: res.status, body: (await res.json()) as Record<string, any> };
}
