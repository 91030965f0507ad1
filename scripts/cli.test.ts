import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findActiveKey } from "../services/gateway/src/auth/api-keys.ts";
import { openDb } from "../shared/src/db/client.ts";

const dataDir = mkdtempSync(join(tmpdir(), "shopsniffer-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const proc = Bun.spawnSync([process.execPath, join(import.meta.dir, "cli.ts"), ...args], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "" },
  });
  return { code: proc.exitCode, stdout: proc.stdout.toString(), stderr: proc.stderr.toString() };
}

test("keys create prints a working key as its last line, storing only its hash", async () => {
  const { code, stdout } = cli("keys", "create", "--name", "ci");
  expect(code).toBe(0);
  const key = stdout.trim().split("\n").at(-1) ?? "";
  expect(key).toMatch(/^ss_live_[a-z0-9]{32}$/);
  const db = await openDb(`file:${join(dataDir, "shopsniffer.db")}`);
  expect(await findActiveKey(db, key)).toMatchObject({
    name: "ci",
    userId: null,
    revokedAt: null,
  });
  const stored = await db.client.execute("SELECT key_hash FROM api_keys");
  expect(JSON.stringify(stored.rows)).not.toContain(key);
  db.close();
});

test("keys create --user gives the key an owner", async () => {
  const { code, stdout } = cli("keys", "create", "--name", "owned", "--user", "usr_42");
  expect(code).toBe(0);
  const db = await openDb(`file:${join(dataDir, "shopsniffer.db")}`);
  const key = stdout.trim().split("\n").at(-1) ?? "";
  expect(await findActiveKey(db, key)).toMatchObject({ name: "owned", userId: "usr_42" });
  db.close();
});

test("wrong usage exits 2 with the usage text", () => {
  const { code, stderr } = cli("keys", "create");
  expect(code).toBe(2);
  expect(cli("frobnicate").stderr).toContain("usage:");
  expect(stderr).toContain("--name");
});

test("npm run demo analyses the generated store and prints a completed job", () => {
  const proc = Bun.spawnSync([process.execPath, join(import.meta.dir, "demo.ts")], {
    env: { ...process.env, LOG_LEVEL: "warn" },
    timeout: 60_000,
  });
  const stdout = proc.stdout.toString();
  expect(proc.exitCode).toBe(0);
  expect(stdout).toMatch(/^Job [0-9a-f-]{36}: completed in /m);
  expect(stdout).toContain("Indexed: 60 products, 7 collections, 5 pages");
  expect(stdout).toMatch(/^products\.csv: \d+ rows for 60 products, /m);
  expect(stdout).toMatch(/^products\.json: 60 items, /m);
  expect(stdout).toMatch(/^collections\.json: 7 items, /m);
  expect(stdout).toMatch(/^pages\.json: 5 items, /m);
  expect(stdout).not.toContain("Download: ");
}, 90_000);
