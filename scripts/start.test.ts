import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../shared/src/nats/local-server.ts";

const START = join(import.meta.dir, "start.ts");
const GATEWAY = join(import.meta.dir, "..", "services", "gateway", "src", "main.ts");
const dataDir = mkdtempSync(join(tmpdir(), "shopsniffer-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** `npm start`'s environment on its own port and data directory (NATS on a free port). */
function env(port: number, dir = dataDir): Record<string, string | undefined> {
  return {
    ...process.env,
    NATS_URL: undefined,
    DATABASE_URL: undefined,
    PUBLIC_URL: undefined,
    DATA_DIR: dir,
    PORT: String(port),
    LISTEN_HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
  };
}

/** Runs a second start to its end; it must be refused before starting anything. */
function refusedStart(port: number, dir = dataDir) {
  const proc = Bun.spawnSync([process.execPath, START], { env: env(port, dir), timeout: 20_000 });
  return { code: proc.exitCode, stderr: proc.stderr.toString().trim() };
}

async function untilRunning(proc: Bun.Subprocess<"ignore", "ignore", "pipe">): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  const reader = proc.stderr.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    text += decoder.decode(read.value, { stream: true });
    if (text.includes("ShopSniffer is running")) return text;
  }
  throw new Error(`npm start ended before it was ready:\n${text}`);
}

test("a port already taken refuses the start at once with one line", () => {
  const holder = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const dir = mkdtempSync(join(tmpdir(), "shopsniffer-start-port-"));
  try {
    const second = refusedStart(holder.port, dir);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toBe(
      `port ${holder.port} is in use (is ShopSniffer already running?); stop it or set PORT`,
    );
    expect(existsSync(join(dir, "nats"))).toBe(false);
  } finally {
    holder.stop(true);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("while npm start runs, a second one is refused on its port and on its DATA_DIR", async () => {
  const port = freePort();
  const first = Bun.spawn([process.execPath, START], {
    env: env(port),
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  try {
    const banner = await untilRunning(first);
    const natsUrl = banner.match(/NATS (nats:\/\/[\d.]+:\d+)/)?.[1] ?? "";

    const samePort = refusedStart(port, mkdtempSync(join(tmpdir(), "shopsniffer-start-2-")));
    expect(samePort.code).not.toBe(0);
    expect(samePort.stderr).toContain(`port ${port} is in use (is ShopSniffer already running?)`);

    const sameDir = refusedStart(freePort());
    expect(sameDir.code).not.toBe(0);
    expect(sameDir.stderr).toBe(
      `DATA_DIR ${dataDir} is in use by another ShopSniffer (pid ${first.pid}); ` +
        "stop it or set DATA_DIR",
    );

    // A gateway started by hand on the same port does not share it (no SO_REUSEPORT).
    expect(natsUrl).toStartWith("nats://127.0.0.1:");
    const gateway = Bun.spawnSync([process.execPath, GATEWAY], {
      env: { ...env(port), NATS_URL: natsUrl, HEALTH_PORT: undefined },
      timeout: 20_000,
    });
    expect(gateway.exitCode).not.toBe(0);
    expect(gateway.stderr.toString()).toContain("EADDRINUSE");
  } finally {
    first.kill("SIGINT");
    await first.exited;
  }
  expect(first.exitCode).toBe(0);
  expect(existsSync(join(dataDir, "shopsniffer.pid"))).toBe(false);
}, 90_000);

test("Ctrl-C while the stack is still starting stops what started and frees DATA_DIR", async () => {
  const dir = mkdtempSync(join(tmpdir(), "shopsniffer-start-boot-"));
  // A gateway setting it refuses keeps the gateway restarting: the boot waits for it.
  const start = Bun.spawn([process.execPath, START], {
    env: { ...env(freePort(), dir), JOB_PENDING_SWEEP_MS: "-1" },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  try {
    const reader = start.stderr.getReader();
    let text = "";
    while (!text.includes("gateway exited")) {
      const read = await reader.read();
      if (read.done) throw new Error(`npm start ended early:\n${text}`);
      text += new TextDecoder().decode(read.value);
    }
    reader.releaseLock();
    start.kill("SIGINT");
    expect(await start.exited).toBe(0);
    expect(existsSync(join(dir, "shopsniffer.pid"))).toBe(false);
    // nats-server was its child and is gone: nothing holds its store directory's lock.
    const natsLeft = Bun.spawnSync(["pgrep", "-f", join(dir, "nats")]);
    expect(natsLeft.stdout.toString().trim()).toBe("");
  } finally {
    start.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
