import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { MAX_USER_NAME_CHARS } from "../src/auth/user-name.ts";
import {
  type HttpGateway,
  json,
  signUp,
  startHttpGateway,
  TRUSTED_ORIGIN,
} from "./auth-harness.ts";

// Sign-ups hash passwords with scrypt and every gateway boots NATS: slow on a busy machine.
setDefaultTimeout(60_000);

const MAX_BODY_BYTES = 65_536;
const TOO_LARGE = {
  error: `Request body exceeds ${MAX_BODY_BYTES} bytes.`,
  code: "payload_too_large",
};

let gw: HttpGateway;

beforeAll(async () => {
  gw = await startHttpGateway({ MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
}, 60_000);

afterAll(async () => {
  await gw?.stop();
});

/** A sign-up body for a fresh email whose `name` has `nameLength` characters. */
function signUpBody(nameLength: number) {
  const email = `big-${crypto.randomUUID().slice(0, 8)}@example.com`;
  return { email, password: `pw-${crypto.randomUUID()}`, name: "n".repeat(nameLength) };
}

/** The JSON text of `body` streamed in 8 KiB chunks, so it travels without Content-Length. */
function streamed(body: unknown): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 8_192));
      offset += 8_192;
    },
  });
}

async function userCount(email: string): Promise<number> {
  const rows = await gw.svc.db.client.execute({
    sql: "SELECT count(*) AS n FROM user WHERE email = ?",
    args: [email],
  });
  return Number(rows.rows[0]?.n);
}

describe("request bodies at /api/auth", () => {
  test("a declared Content-Length past MAX_BODY_BYTES is 413, and no user is stored", async () => {
    const body = signUpBody(MAX_BODY_BYTES + 1);
    const res = await gw.fetch("/api/auth/sign-up/email", json(body));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(TOO_LARGE);
    expect(await userCount(body.email)).toBe(0);
  });

  test("a chunked body past MAX_BODY_BYTES is 413 too, and no user is stored", async () => {
    const body = signUpBody(1_000_000);
    const res = await gw.fetch("/api/auth/sign-up/email", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: streamed(body),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(TOO_LARGE);
    expect(await userCount(body.email)).toBe(0);
  });

  test("a chunked body within the limit reaches Better Auth whole", async () => {
    const body = signUpBody(MAX_USER_NAME_CHARS);
    const res = await gw.fetch("/api/auth/sign-up/email", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: streamed(body),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).user).toMatchObject({ email: body.email, name: body.name });
    expect(await userCount(body.email)).toBe(1);
  });
});

describe("error bodies at /api/auth", () => {
  test("a wrong password: `error` beside Better Auth's own `message` and `code`", async () => {
    const user = await signUp(gw);
    const res = await gw.fetch(
      "/api/auth/sign-in/email",
      json({ email: user.email, password: "not-the-password" }),
    );
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body).toMatchObject({ code: "INVALID_EMAIL_OR_PASSWORD" });
    expect(typeof body.message).toBe("string");
    expect(body.error).toBe(body.message);
  });

  test("a malformed email at sign-up: 400 with `error`", async () => {
    const res = await gw.fetch("/api/auth/sign-up/email", json({ ...signUpBody(3), email: "x" }));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(typeof body.error).toBe("string");
    expect(body.error).toBe(body.message);
    expect(typeof body.code).toBe("string");
  });

  test("successful answers are passed through untouched", async () => {
    const res = await gw.fetch("/api/auth/get-session");
    expect(res.status).toBe(200);
    expect(await res.json()).toBeNull();
  });
});

describe("user names", () => {
  test("a name past MAX_USER_NAME_CHARS is refused at sign-up and on update", async () => {
    const long = signUpBody(MAX_USER_NAME_CHARS + 1);
    const res = await gw.fetch("/api/auth/sign-up/email", json(long));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "NAME_TOO_LONG", error: expect.any(String) });
    expect(await userCount(long.email)).toBe(0);
    const user = await signUp(gw, "n".repeat(MAX_USER_NAME_CHARS));
    const headers = { cookie: user.cookie, origin: TRUSTED_ORIGIN };
    const rename = (name: string) => gw.fetch("/api/auth/update-user", json({ name }, headers));
    const refused = await rename("x".repeat(MAX_USER_NAME_CHARS + 1));
    expect(refused.status).toBe(400);
    expect((await refused.json()).code).toBe("NAME_TOO_LONG");
    expect((await rename("Grace")).status).toBe(200);
    const session = await gw.fetch("/api/auth/get-session", { headers: { cookie: user.cookie } });
    expect((await session.json()).user.name).toBe("Grace");
  });
});
