/**
 * The container health check (`bun shared/src/health-probe.ts [path]`): exits 0 when the
 * service in this container answers `GET http://127.0.0.1:$HEALTH_PORT<path>` (default
 * `/readyz`) with 200 within 4 seconds, else 1 with the reason on stderr.
 */
export async function probe(port: string | undefined, path: string): Promise<string | null> {
  if (!port) return "HEALTH_PORT is not set";
  const answer = await fetch(`http://127.0.0.1:${port}${path}`, {
    signal: AbortSignal.timeout(4_000),
  })
    .then((response) => response.status)
    .catch((error: Error) => error.message);
  return answer === 200 ? null : `${path} answered ${answer}`;
}

if (import.meta.main) {
  const problem = await probe(process.env.HEALTH_PORT, process.argv[2] ?? "/readyz");
  if (problem) {
    process.stderr.write(`health probe: ${problem}\n`);
    process.exit(1);
  }
}
