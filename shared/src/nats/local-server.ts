import { mkdirSync } from "node:fs";
import { connect } from "nats";

/** A `nats-server -js` child process on a free loopback port. */
export interface LocalNats {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export const NATS_INSTALL_HINT =
  "nats-server not found: install it with `apt-get install nats-server` " +
  "(or download it from https://nats.io) or set NATS_URL to a running server.";

/** Finds a free TCP port on 127.0.0.1 by letting the OS pick one. */
export function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

/**
 * Starts `nats-server` with JetStream storing under `storeDir`, on a free port, and waits until
 * it accepts connections. Throws with an install hint when the binary is missing.
 */
export async function startLocalNats(storeDir: string, binary = "nats-server"): Promise<LocalNats> {
  const path = Bun.which(binary);
  if (!path) throw new Error(NATS_INSTALL_HINT);
  mkdirSync(storeDir, { recursive: true });
  const port = freePort();
  const proc = Bun.spawn([path, "-js", "-a", "127.0.0.1", "-p", String(port), "-sd", storeDir], {
    stdout: "ignore",
    stderr: "pipe",
    // Its own process group: a terminal's Ctrl-C must not stop NATS before the services drain.
    detached: true,
  });
  const url = `nats://127.0.0.1:${port}`;
  try {
    await waitForNats(url, proc);
  } catch (error) {
    proc.kill("SIGKILL");
    throw error;
  }
  return {
    url,
    port,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

async function waitForNats(url: string, proc: Bun.Subprocess, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      const stderr = await new Response(proc.stderr as ReadableStream).text();
      throw new Error(`nats-server exited (${proc.exitCode}): ${stderr.trim()}`);
    }
    const nc = await connect({ servers: url, reconnect: false }).catch(() => null);
    if (nc) {
      await nc.close();
      return;
    }
    await Bun.sleep(50);
  }
  throw new Error(`nats-server did not start on ${url} within ${timeoutMs} ms`);
}
