import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertPortFree, LOCK_FILE, lockDataDir, StackPreflightError } from "./preflight.ts";

const root = mkdtempSync(join(tmpdir(), "shopsniffer-preflight-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function deadPid(): number {
  const proc = Bun.spawnSync(["true"]);
  return proc.pid;
}

test("a port someone listens on is refused with the one-line hint; a free one passes", () => {
  const holder = Bun.listen({ hostname: "0.0.0.0", port: 0, socket: { data() {} } });
  try {
    expect(() => assertPortFree("0.0.0.0", holder.port)).toThrow(
      `port ${holder.port} is in use (is ShopSniffer already running?); stop it or set PORT`,
    );
    expect(() => assertPortFree("127.0.0.1", holder.port)).toThrow(StackPreflightError);
  } finally {
    holder.stop(true);
  }
  expect(() => assertPortFree("0.0.0.0", holder.port)).not.toThrow();
});

test("the DATA_DIR lock refuses while held, and release removes it", () => {
  const dir = join(root, "held");
  const lock = lockDataDir(dir);
  expect(readFileSync(join(dir, LOCK_FILE), "utf8").trim()).toBe(String(process.pid));
  expect(() => lockDataDir(dir)).toThrow(
    `DATA_DIR ${dir} is in use by another ShopSniffer (pid ${process.pid}); stop it or set DATA_DIR`,
  );
  lock.release();
  expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  lockDataDir(dir).release();
});

test("a lock left by a dead process is taken over; release leaves another holder's file", () => {
  const dir = join(root, "stale");
  lockDataDir(dir).release();
  writeFileSync(join(dir, LOCK_FILE), `${deadPid()}\n`);
  const lock = lockDataDir(dir);
  expect(readFileSync(join(dir, LOCK_FILE), "utf8").trim()).toBe(String(process.pid));

  writeFileSync(join(dir, LOCK_FILE), "1\n");
  lock.release();
  expect(readFileSync(join(dir, LOCK_FILE), "utf8").trim()).toBe("1");
});
