/**
 * Polls `<gatewayUrl>/api/health` until it answers 200; throws after `timeoutMs`, or with the
 * signal's reason as soon as `signal` fires.
 */
export async function waitForGateway(
  gatewayUrl: string,
  timeoutMs = 30_000,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    const ok = await fetch(`${gatewayUrl}/api/health`)
      .then((res) => res.ok)
      .catch(() => false);
    if (ok) return;
    await Bun.sleep(100);
  }
  throw new Error(`gateway at ${gatewayUrl} not ready after ${timeoutMs} ms`);
}
