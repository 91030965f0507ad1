import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalNats, startLocalNats } from "../nats/local-server.ts";

/** Starts a throwaway JetStream server for a test file; `stop()` also deletes its store. */
export async function startTestNats(): Promise<LocalNats> {
  const dir = mkdtempSync(join(tmpdir(), "shopsniffer-nats-"));
  const server = await startLocalNats(dir);
  return {
    ...server,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
