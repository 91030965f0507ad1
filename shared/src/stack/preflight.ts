import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A reason the stack must not start at all; its message is one line meant for the user. */
export class StackPreflightError extends Error {}

/**
 * Throws when something already listens on `host:port`. The probe binds without SO_REUSEPORT,
 * so it fails against any listener, including one that shares its port.
 */
export function assertPortFree(host: string, port: number): void {
  if (port === 0) return;
  try {
    Bun.listen({ hostname: host, port, socket: { data() {} } }).stop(true);
  } catch {
    throw new StackPreflightError(
      `port ${port} is in use (is ShopSniffer already running?); stop it or set PORT`,
    );
  }
}

/** Held while a stack uses a `DATA_DIR`; `release()` removes the pid file if it is still ours. */
export interface DataDirLock {
  path: string;
  release(): void;
}

export const LOCK_FILE = "shopsniffer.pid";

/**
 * Claims `dataDir` for this process with a pid file created exclusively. A file naming a live
 * process refuses the start; one naming a dead process (a killed stack) is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path)) {
      return {
        path,
        release: () => readPid(path) === process.pid && rmSync(path, { force: true }),
      };
    }
    const holder = readPid(path);
    if (holder !== null && isAlive(holder)) {
      throw new StackPreflightError(
        `DATA_DIR ${dataDir} is in use by another ShopSniffer (pid ${holder}); ` +
          "stop it or set DATA_DIR",
      );
    }
    // FIXME: two starts taking over the same stale file at the same instant can both remove it,
    // and the slower one may delete the faster one's fresh file; both would then run.
    rmSync(path, { force: true });
  }
  throw new StackPreflightError(`could not lock DATA_DIR ${dataDir} (${path} keeps reappearing)`);
}

function tryCreate(path: string): boolean {
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

function readPid(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
