import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { PsiStrategy } from "./psi-client.ts";

/**
 * How Lighthouse throttles: `simulate` (its default: a fast load, then Lantern simulates a slow
 * 4G link and a 4× slower CPU on mobile, or the desktop preset's cable link), `devtools`
 * (Chrome really throttles the load: slower, noisier) or `provided` (no throttling at all).
 */
export const lighthouseThrottlings = ["simulate", "devtools", "provided"] as const;
export type LighthouseThrottling = (typeof lighthouseThrottlings)[number];

/** What one local Lighthouse run needs. */
export interface LighthouseRunOptions {
  /** The Node.js binary that runs the Lighthouse CLI (it does not run under Bun). */
  nodePath: string;
  chromePath: string;
  throttling: LighthouseThrottling;
  /** The whole run, Chrome start to report; past it Node and Chrome are killed. */
  timeoutMs: number;
  /** When it fires, Node and Chrome are killed at once (the run then reports an error). */
  signal?: AbortSignal;
}

/** Chrome flags of every run: headless, no sandbox (containers run as root), nothing extra. */
const CHROME_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const CATEGORIES = "performance,accessibility,best-practices,seo";
/** Lines of Lighthouse's stderr kept for an error message. */
const STDERR_LINES = 3;

/** Where the Lighthouse CLI entry lives in node_modules. */
export function lighthouseCliPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("lighthouse/package.json")), "cli", "index.js");
}

/**
 * Runs the Lighthouse CLI on `url` in a Node subprocess and returns its report (the LHR), or
 * `{ error }` when no report came out (Chrome would not start, time-out). `hostRules` is a
 * Chromium `--host-resolver-rules` value, so a mapped store's own host resolves locally. A
 * report with a `runtimeError` is returned as is: the caller reads the error from it.
 */
export async function runLighthouse(
  options: LighthouseRunOptions,
  url: string,
  strategy: PsiStrategy,
  hostRules: string | null,
): Promise<{ lhr: unknown } | { error: string }> {
  const dir = await mkdtemp(join(tmpdir(), "shopsniffer-lh-"));
  const reportPath = join(dir, "report.json");
  try {
    const exit = await spawnCli(options, cliArgs(options, url, strategy, hostRules, reportPath));
    const lhr = await readFile(reportPath, "utf8")
      .then((text) => JSON.parse(text) as unknown)
      .catch(() => null);
    if (lhr) return { lhr };
    if (exit.aborted) return { error: "Lighthouse stopped: its stage attempt was abandoned" };
    if (exit.timedOut) return { error: `Lighthouse timed out after ${options.timeoutMs} ms` };
    return { error: `Lighthouse failed (exit ${exit.code}): ${exit.stderr || "no output"}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function cliArgs(
  options: LighthouseRunOptions,
  url: string,
  strategy: PsiStrategy,
  hostRules: string | null,
  reportPath: string,
): string[] {
  // Quoted: Lighthouse splits `--chrome-flags` on spaces outside quotes, and the rule has some.
  const rules = hostRules ? [`--host-resolver-rules="${hostRules}"`] : [];
  const flags = [...CHROME_FLAGS, ...rules];
  // Lighthouse's own page-load limit stays below ours, so a slow page still gives a report.
  const maxWaitMs = Math.max(5_000, Math.min(45_000, Math.floor(options.timeoutMs / 2)));
  return [
    lighthouseCliPath(),
    url,
    "--output=json",
    `--output-path=${reportPath}`,
    "--quiet",
    `--only-categories=${CATEGORIES}`,
    `--throttling-method=${options.throttling}`,
    `--max-wait-for-load=${maxWaitMs}`,
    `--chrome-flags=${flags.join(" ")}`,
    ...(strategy === "desktop" ? ["--preset=desktop"] : []),
  ];
}

interface CliExit {
  code: number | null;
  timedOut: boolean;
  aborted: boolean;
  stderr: string;
}

/**
 * Spawns Node in its own process group; a time-out or the signal kills that group and Chrome's
 * (Lighthouse starts Chrome as its child, and it would keep running if only Node died).
 */
function spawnCli(options: LighthouseRunOptions, args: string[]): Promise<CliExit> {
  return new Promise((resolve) => {
    const child = spawn(options.nodePath, args, {
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, CHROME_PATH: options.chromePath },
    });
    let stderr = "";
    let timedOut = false;
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-4_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killRun(child.pid);
    }, options.timeoutMs);
    const abort = () => killRun(child.pid);
    options.signal?.addEventListener("abort", abort, { once: true });
    const finish = (code: number | null) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", abort);
      killGroup(child.pid); // whatever Node left in its own group
      const aborted = options.signal?.aborted ?? false;
      resolve({ code, timedOut, aborted, stderr: lastLines(stderr) });
    };
    child.on("error", (error) => {
      stderr += `\n${error.message}`;
      finish(null);
    });
    child.on("exit", (code) => finish(code));
  });
}

/**
 * Kills Node's process group and those of its children: chrome-launcher starts Chrome as the
 * leader of a group of its own, which would outlive Node's. Children are found through Linux's
 * `/proc`; elsewhere only Node's group is killed.
 */
function killRun(pid: number | undefined): void {
  if (!pid) return;
  for (const child of childrenOf(pid)) killGroup(child);
  killGroup(pid);
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, "utf8")
        .split(" ")
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // The group is already gone.
  }
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-STDERR_LINES).join(" ").slice(0, 500);
}
