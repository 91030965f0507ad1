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
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new StackPreflightError(
        `port ${port} is in use (is ShopSniffer already running?); stop it or set PORT`,
      );
    }
    throw new StackPreflightError(`cannot listen on ${host}:${port}: ${(error as Error).message}`);
  }
}

/** Held while a stack uses a `DATA_DIR`; `release()` removes the pid file if it is still ours. */
export interface DataDirLock {
  path: string;
  release(): void;
}

/** The lock's file in `DATA_DIR`: the holder's pid and, on Linux, its start time. */
export const LOCK_FILE = "shopsniffer.pid";

/**
 * Claims `dataDir` for this process with a pid file created exclusively. A file naming a live
 * holder refuses the start; one naming a dead process (a killed stack), this process, or a pid
 * now used by another program (its start time differs) is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path)) {
      return {
        path,
        release: () => {
          if (readHolder(path)?.pid === process.pid) rmSync(path, { force: true });
        },
      };
    }
    const holder = readHolder(path);
    if (holder !== null && isHolding(holder)) {
      throw new StackPreflightError(
        `DATA_DIR ${dataDir} is in use by another ShopSniffer (pid ${holder.pid}); ` +
          "stop it or set DATA_DIR",
      );
    }
    // FIXME: two starts taking over the same stale file at the same instant can both remove it,
    // and the slower one may delete the faster one's fresh file; both would then run.
    rmSync(path, { force: true });
  }
  throw new StackPreflightError(`could not lock DATA_DIR ${dataDir} (${path} keeps reappearing)`);
}

interface Holder {
  pid: number;
  /** When the process started, in clock ticks since boot (Linux); null where unknown. */
  startedAt: string | null;
}

function tryCreate(path: string): boolean {
  try {
    const startedAt = processStart(process.pid);
    writeFileSync(path, `${process.pid}${startedAt ? ` ${startedAt}` : ""}\n`, { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

function readHolder(path: string): Holder | null {
  try {
    const [pidText = "", startedAt] = readFileSync(path, "utf8").trim().split(/\s+/);
    const pid = Number.parseInt(pidText, 10);
    return Number.isInteger(pid) && pid > 0 ? { pid, startedAt: startedAt ?? null } : null;
  } catch {
    return null;
  }
}

/** Whether `holder` still runs: alive, not this process, and started when the file says. */
function isHolding(holder: Holder): boolean {
  if (holder.pid === process.pid || !isAlive(holder.pid)) return false;
  if (holder.startedAt === null) return true;
  const startedAt = processStart(holder.pid);
  return startedAt === null || startedAt === holder.startedAt;
}

/** Field 22 of `/proc/<pid>/stat`, the process's start time; null without procfs. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
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
