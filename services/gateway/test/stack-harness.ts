import { join } from "node:path";
import { createApiKey } from "../src/auth/api-keys.ts";
import { openDb } from "@shopsniffer/shared/db/client";
import { freePort } from "@shopsniffer/shared/nats/local-server";
import { bootStack, type RunningStack } from "@shopsniffer/shared/stack/boot";
import { createTestWorld, type TestWorld } from "@shopsniffer/shared/testing/env";

/** The four services as separate processes on a test's own NATS server and database. */
export interface StackHarness {
  world: TestWorld;
  stack: RunningStack;
  apiKey: string;
  stop(): Promise<void>;
}

export async function startStackHarness(env: Record<string, string>): Promise<StackHarness> {
  const world = await createTestWorld(env);
  const port = freePort();
  const stack = await bootStack({
    env: { ...process.env, ...world.env, PORT: String(port), LISTEN_HOST: "127.0.0.1" },
    output: { dir: join(world.dataDir, "logs") },
  });
  const db = await openDb(world.env.DATABASE_URL ?? "");
  const { key } = await createApiKey(db, "e2e");
  db.close();
  return {
    world,
    stack,
    apiKey: key,
    async stop() {
      await stack.stop();
      await world.stop();
    },
  };
}

/** Polls `GET /api/jobs/:id/status` until `done(status)` or the time-out. */
export async function pollStatus(
  baseUrl: string,
  jobId: string,
  done: (status: Record<string, any>) => boolean,
  timeoutMs = 60_000,
): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A refused connection is a gateway being restarted: keep polling.
    const status = await fetch(`${baseUrl}/api/jobs/${jobId}/status`)
      .then((r) => r.json())
      .catch(() => null);
    if (status && done(status)) return status;
    if (Date.now() > deadline) throw new Error(`status never matched: ${JSON.stringify(status)}`);
    await Bun.sleep(25);
  }
}
