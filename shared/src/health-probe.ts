/**
 * The container health check (`bun shared/src/health-probe.ts [path]`): exits 0 when the
 * service in this container answers `GET http://127.0.0.1:$HEALTH_PORT<path>` (default
 * `/readyz`) with 200 within 4 seconds, else 1 with the reason on stderr.
 */
const port = process.env.HEALTH_PORT;
const path = process.argv[2] ?? "/readyz";

if (!port) {
  process.stderr.write("health probe: HEALTH_PORT is not set\n");
  process.exit(1);
}

const status = await fetch(`http://127.0.0.1:${port}${path}`, {
  signal: AbortSignal.timeout(4_000),
})
  .then((response) => response.status)
  .catch((error: Error) => error.message);

if (status !== 200) {
  process.stderr.write(`health probe: ${path} answered ${status}\n`);
  process.exit(1);
}
