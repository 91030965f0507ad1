/**
 * Stops what the benchmarks started when this process gets SIGINT or SIGTERM. nats-server
 * runs in its own process group (so a terminal's Ctrl-C does not reach it) and a SIGTERM sent
 * to this process alone reaches none of its children: without this, both outlive the run.
 */

const STOP_TIMEOUT_MS = 20_000;
const cleanups = new Set<() => Promise<unknown>>();
let installed = false;
let interrupted = false;

/**
 * Runs `cleanup` if the process is interrupted before the returned function is called
 * (call it once the benchmark has stopped what it started).
 */
export function stopOnInterrupt(cleanup: () => Promise<unknown>): () => void {
  install();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/**
 * `work`, unless the process was interrupted: then it never settles, as the benchmark fails
 * only because its stack is being stopped, and the signal handler ends the process once done.
 */
export async function unlessInterrupted<T>(work: Promise<T>): Promise<T> {
  try {
    const result = await work;
    if (interrupted) await new Promise(() => {});
    return result;
  } catch (error) {
    if (interrupted) await new Promise(() => {});
    throw error;
  }
}

function install() {
  if (installed) return;
  installed = true;
  process.on("SIGINT", () => void stopAll("SIGINT", 130));
  process.on("SIGTERM", () => void stopAll("SIGTERM", 143));
}

async function stopAll(signal: string, exitCode: number) {
  if (interrupted) {
    console.error(`${signal} again: exiting without waiting`);
    process.exit(exitCode);
  }
  interrupted = true;
  console.error(`${signal}: stopping the benchmark's services, NATS and stores`);
  const stopped = Promise.allSettled([...cleanups].map((cleanup) => cleanup()));
  await Promise.race([stopped, Bun.sleep(STOP_TIMEOUT_MS)]);
  process.exit(exitCode);
}
