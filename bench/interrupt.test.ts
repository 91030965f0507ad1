import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../shared/src/testing/env.ts";

/** A live process's parent pid and command line, or null once it is gone (or a zombie). */
function processInfo(pid: number): { ppid: number; cmd: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const [state, ppid] = stat
      .slice(stat.lastIndexOf(")") + 2)
      .split(" ")
      .slice(0, 2);
    if (state === "Z") return null;
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    return { ppid: Number(ppid), cmd };
  } catch {
    return null;
  }
}

/** Every live descendant of `root`, by pid. */
function descendants(root: number): Map<number, string> {
  const parents = new Map<number, number[]>();
  const commands = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    const info = Number.isInteger(pid) ? processInfo(pid) : null;
    if (!info) continue;
    parents.set(info.ppid, [...(parents.get(info.ppid) ?? []), pid]);
    commands.set(pid, info.cmd);
  }
  const found = new Map<number, string>();
  const queue = [...(parents.get(root) ?? [])];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    found.set(pid, commands.get(pid) ?? "");
    queue.push(...(parents.get(pid) ?? []));
  }
  return found;
}

test("SIGTERM to the benchmark stops nats-server and the services it started", async () => {
  const bench = Bun.spawn([process.execPath, join(REPO_ROOT, "bench", "run.ts"), "--only", "ws"], {
    cwd: REPO_ROOT,
    // Few subscribers: the benchmark is stopped long before they would matter.
    env: { ...process.env, BENCH_WS_SUBSCRIBERS: "10", LOG_LEVEL: "warn" },
    stdout: "ignore",
    stderr: "pipe",
  });
  // The ws benchmark boots the stack, then stops its crawler; wait for the other services.
  let children = new Map<number, string>();
  const deadline = Date.now() + 60_000;
  const started = (cmds: string[]) =>
    cmds.some((c) => c.includes("nats-server")) &&
    ["gateway", "auditor", "exporter"].every((s) => cmds.some((c) => c.includes(`/${s}/src/`)));
  while (!started([...children.values()])) {
    if (Date.now() > deadline || bench.exitCode !== null) {
      bench.kill("SIGKILL");
      throw new Error(`stack never started: ${await new Response(bench.stderr).text()}`);
    }
    await Bun.sleep(200);
    children = descendants(bench.pid);
  }

  bench.kill("SIGTERM");
  expect(await bench.exited).toBe(143);
  const alive = [...children].filter(([pid]) => processInfo(pid) !== null);
  expect(alive).toEqual([]);
}, 90_000);
