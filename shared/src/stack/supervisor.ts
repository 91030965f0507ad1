import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";

export const serviceNames = ["gateway", "crawler", "auditor", "exporter"] as const;
export type ServiceName = (typeof serviceNames)[number];

const REPO_ROOT = new URL("../../../", import.meta.url).pathname;
const MAX_BACKOFF_MS = 30_000;
const STABLE_AFTER_MS = 60_000;
// Parts of Bun's report of an uncaught error that say nothing on their own: the stack frames,
// the source excerpt and caret, the error's fields and the closing version line.
const NOT_AN_ERROR_LINE = /^(at |\d+ \||\^|Bun v\d|[a-zA-Z]+: [\d"]|[{}])/;

export interface SupervisorOptions {
  env: Record<string, string | undefined>;
  services?: readonly ServiceName[];
  /** Restart a service that exits without being asked to (default true). */
  restart?: boolean;
  /** `inherit` shares the terminal; a directory path writes `<name>.log` files there. */
  output?: "inherit" | { dir: string };
  onEvent?: (line: string) => void;
}

interface Child {
  proc: Bun.Subprocess;
  /** Settles once the service's stderr has been passed on to its end. */
  stderrDone: Promise<void>;
  startedAt: number;
  backoffMs: number;
  wanted: boolean;
}

/**
 * Runs the services as child processes (`bun services/<name>/src/main.ts`) and restarts any
 * that crash, with back-off. `stop()` sends SIGTERM to all and waits for them.
 */
export class Supervisor {
  private readonly children = new Map<ServiceName, Child>();
  private readonly lastErrors = new Map<ServiceName, string>();

  constructor(private readonly options: SupervisorOptions) {}

  startAll(): void {
    for (const name of this.options.services ?? serviceNames) this.start(name);
  }

  /** Starts (or restarts) one service. */
  start(name: ServiceName, backoffMs = 1_000): void {
    const entry = join(REPO_ROOT, "services", name, "src", "main.ts");
    const { stdout, stderr } = this.stdio(name);
    const proc = Bun.spawn([process.execPath, entry], {
      cwd: REPO_ROOT,
      env: this.options.env,
      stdin: "ignore",
      stdout,
      // Passed through below, keeping the last error line for `lastError()`.
      stderr: "pipe",
    });
    // The child holds its own copy of a log file descriptor.
    if (typeof stdout === "number") closeSync(stdout);
    const stderrDone = this.teeStderr(name, proc.stderr, stderr).catch((error: Error) => {
      this.options.onEvent?.(`${name}: its stderr could not be passed on: ${error.message}`);
    });
    const child: Child = { proc, stderrDone, startedAt: Date.now(), backoffMs, wanted: true };
    this.children.set(name, child);
    void proc.exited.then((code) => this.onExit(name, child, code));
  }

  /** Sends `signal` to a service; with `restart: false` it stays down until `start()`. */
  kill(name: ServiceName, signal: NodeJS.Signals = "SIGTERM", restart = false): void {
    const child = this.children.get(name);
    if (!child) return;
    child.wanted = restart;
    child.proc.kill(signal);
  }

  /** The last line a service wrote to stderr that reads like an error (not a stack frame). */
  lastError(name: ServiceName): string | undefined {
    return this.lastErrors.get(name);
  }

  pid(name: ServiceName): number | undefined {
    return this.children.get(name)?.proc.pid;
  }

  async stop(): Promise<void> {
    const running = [...this.children.values()];
    for (const child of running) {
      child.wanted = false;
      child.proc.kill("SIGTERM");
    }
    let timer: Timer | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        for (const child of running) child.proc.kill("SIGKILL");
        resolve();
      }, 10_000);
    });
    // Their last words too: a shutdown error, or the line `lastError()` reports.
    const ended = running.map((c) => Promise.all([c.proc.exited, c.stderrDone]));
    await Promise.race([Promise.all(ended), timeout]);
    clearTimeout(timer);
  }

  private onExit(name: ServiceName, child: Child, code: number | null) {
    if (this.children.get(name) !== child || !child.wanted || this.options.restart === false) {
      return;
    }
    const uptime = Date.now() - child.startedAt;
    const delay = uptime > STABLE_AFTER_MS ? 1_000 : child.backoffMs;
    this.options.onEvent?.(`${name} exited (code ${code}); restarting in ${delay} ms`);
    setTimeout(() => {
      if (this.children.get(name) === child && child.wanted) {
        this.start(name, Math.min(delay * 2, MAX_BACKOFF_MS));
      }
    }, delay);
  }

  private async teeStderr(
    name: ServiceName,
    from: ReadableStream<Uint8Array>,
    to: "inherit" | number,
  ) {
    const decoder = new TextDecoder();
    let partial = "";
    try {
      const reader = from.getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        const chunk = read.value;
        if (to === "inherit") process.stderr.write(chunk);
        else writeSync(to, chunk);
        const lines = (partial + decoder.decode(chunk, { stream: true })).split("\n");
        partial = lines.pop() ?? "";
        this.noteErrorLines(name, lines);
      }
      this.noteErrorLines(name, [partial]);
    } finally {
      if (typeof to === "number") closeSync(to);
    }
  }

  private noteErrorLines(name: ServiceName, lines: string[]) {
    for (const line of lines) {
      const text = line.trim();
      if (text && !NOT_AN_ERROR_LINE.test(text)) this.lastErrors.set(name, text);
    }
  }

  private stdio(name: ServiceName): { stdout: "inherit" | number; stderr: "inherit" | number } {
    const output = this.options.output ?? "inherit";
    if (output === "inherit") return { stdout: "inherit", stderr: "inherit" };
    mkdirSync(output.dir, { recursive: true });
    const path = join(output.dir, `${name}.log`);
    return { stdout: openSync(path, "a"), stderr: openSync(path, "a") };
  }
}
