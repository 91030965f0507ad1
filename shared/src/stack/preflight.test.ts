import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/** The pid named by a lock file. */
const lockPid = (dir: string) => readFileSync(join(dir, LOCK_FILE), "utf8").trim().split(" ")[0];

test("the DATA_DIR lock refuses while another process holds it; release removes it", () => {
  const dir = join(root, "held");
  const lock = lockDataDir(dir);
  expect(lockPid(dir)).toBe(String(process.pid));
  lock.release();
  expect(existsSync(join(dir, LOCK_FILE))).toBe(false);

  const other = Bun.spawn(["sleep", "30"]);
  try {
    writeFileSync(join(dir, LOCK_FILE), `${other.pid}\n`);
    expect(() => lockDataDir(dir)).toThrow(
      `DATA_DIR ${dir} is in use by another ShopSniffer (pid ${other.pid}); ` +
        "stop it or set DATA_DIR",
    );
  } finally {
    other.kill();
  }
});

test("a lock naming this process, or a pid reused by another program, is taken over", () => {
  const dir = join(root, "reused");
  mkdirSync(dir);
  writeFileSync(join(dir, LOCK_FILE), `${process.pid}\n`, { flag: "w" });
  lockDataDir(dir).release();

  const other = Bun.spawn(["sleep", "30"]);
  try {
    // Same pid, another start time: the stack that wrote it is gone.
    writeFileSync(join(dir, LOCK_FILE), `${other.pid} 1\n`);
    const lock = lockDataDir(dir);
    expect(lockPid(dir)).toBe(String(process.pid));
    lock.release();
  } finally {
    other.kill();
  }
});

test("a bind failure other than a taken port says what failed", () => {
  expect(() => assertPortFree("192.0.2.1", 39_999)).toThrow("cannot listen on 192.0.2.1:39999");
});

test("a lock left by a dead process is taken over; release leaves another holder's file", () => {
  const dir = join(root, "stale");
  lockDataDir(dir).release();
  writeFileSync(join(dir, LOCK_FILE), `${deadPid()}\n`);
  const lock = lockDataDir(dir);
  expect(lockPid(dir)).toBe(String(process.pid));

  writeFileSync(join(dir, LOCK_FILE), "1\n");
  lock.release();
  expect(readFileSync(join(dir, LOCK_FILE), "utf8").trim()).toBe("1");
});
