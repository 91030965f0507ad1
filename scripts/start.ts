/** `npm start`: the whole stack on this machine until Ctrl-C. */
import { NATS_INSTALL_HINT } from "../shared/src/nats/local-server.ts";
import { bootStack } from "../shared/src/stack/boot.ts";
import { StackPreflightError } from "../shared/src/stack/preflight.ts";

const stack = await bootStack({
  env: process.env,
  onEvent: (line) => console.error(`supervisor: ${line}`),
}).catch((error: Error) => {
  const plain = error instanceof StackPreflightError || error.message === NATS_INSTALL_HINT;
  console.error(plain ? error.message : `start failed: ${error.message}`);
  process.exit(1);
});

console.error(
  `ShopSniffer is running: API ${stack.env.PUBLIC_URL}/api (OpenAPI at /api/openapi.json), ` +
    `NATS ${stack.env.NATS_URL}. Ctrl-C stops everything.`,
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.error("stopping…");
    await stack.stop();
    process.exit(0);
  });
}
