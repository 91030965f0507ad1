/** `npm start`: the whole stack on this machine until Ctrl-C. */
import { NATS_INSTALL_HINT } from "../shared/src/nats/local-server.ts";
import { bootStack, type RunningStack } from "../shared/src/stack/boot.ts";
import { StackPreflightError } from "../shared/src/stack/preflight.ts";

// Ctrl-C during the boot ends it cleanly too: bootStack stops what it started.
const booting = new AbortController();
let stack: RunningStack | undefined;
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.error("stopping…");
    if (!stack) return booting.abort(new Error("stopped while starting"));
    await stack.stop();
    process.exit(0);
  });
}

stack = await bootStack({
  env: process.env,
  onEvent: (line) => console.error(`supervisor: ${line}`),
  signal: booting.signal,
}).catch((error: Error) => {
  if (booting.signal.aborted) process.exit(0);
  const plain = error instanceof StackPreflightError || error.message === NATS_INSTALL_HINT;
  console.error(plain ? error.message : `start failed: ${error.message}`);
  process.exit(1);
});
if (booting.signal.aborted) {
  // Stopped in the instant the boot finished.
  await stack.stop();
  process.exit(0);
}

console.error(
  `ShopSniffer is running: API ${stack.env.PUBLIC_URL}/api (OpenAPI at /api/openapi.json), ` +
    `NATS ${stack.env.NATS_URL}. Ctrl-C stops everything.`,
);
