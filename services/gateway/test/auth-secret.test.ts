import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { sessionSecret } from "../src/auth/better-auth.ts";
import { gatewayConfigSchema } from "../src/config.ts";

const SECRET = "a".repeat(32);

/** Parses `env` with the gateway's schema while this process runs under `nodeEnv`. */
function parseUnder(nodeEnv: string, env: Record<string, string>) {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = nodeEnv;
  try {
    return gatewayConfigSchema.safeParse(env);
  } finally {
    process.env.NODE_ENV = before;
  }
}

describe("BETTER_AUTH_SECRET", () => {
  test("is required when NODE_ENV=production", () => {
    const missing = parseUnder("production", {});
    expect(missing.success).toBe(false);
    expect(missing.error?.issues).toEqual([
      expect.objectContaining({
        path: ["BETTER_AUTH_SECRET"],
        message: expect.stringContaining("NODE_ENV=production"),
      }),
    ]);
    expect(parseUnder("production", { BETTER_AUTH_SECRET: SECRET }).success).toBe(true);
    expect(parseUnder("development", {}).success).toBe(true);
  });

  test("the gateway refuses to start in production without one", async () => {
    const gateway = Bun.spawn([process.execPath, join(import.meta.dir, "../src/main.ts")], {
      // Nothing listens on this NATS port: a gateway that got past its config would hang there.
      env: {
        ...process.env,
        NODE_ENV: "production",
        BETTER_AUTH_SECRET: "",
        NATS_URL: "nats://127.0.0.1:9",
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const timer = setTimeout(() => gateway.kill(), 20_000);
    const code = await gateway.exited;
    clearTimeout(timer);
    const stderr = await new Response(gateway.stderr as ReadableStream).text();
    expect(code).toBe(2);
    expect(stderr).toContain("config: BETTER_AUTH_SECRET: must be set when NODE_ENV=production");
  }, 30_000);

  test("unset elsewhere, sessions are signed with a random secret of this process", () => {
    const secret = sessionSecret({ BETTER_AUTH_SECRET: undefined });
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(sessionSecret({ BETTER_AUTH_SECRET: undefined })).toBe(secret);
    expect(sessionSecret({ BETTER_AUTH_SECRET: SECRET })).toBe(SECRET);
  });
});
