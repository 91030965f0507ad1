/**
 * Bun's fetch has no connect timeout: its `timeout` option arms an idle timer only once the
 * socket is open, so a connection to an address that drops packets waits for the kernel
 * (about two minutes) and fetch gives no sign of whether the request was sent. Before a request
 * to an address that has another one behind it, a bare TCP connection tells whether it
 * answers at all; nothing is sent on it, so giving up on it never loses a request.
 */

/** The code of the probe's error when no connection was made in time. */
export const CONNECT_TIMEOUT = "ConnectTimeout";

/** How long an address that took a connection is trusted without a new probe. */
const TRUSTED_FOR_MS = 5 * 60_000;
const MAX_REMEMBERED = 1_024;

/** `host:port` → when a connection to it was last made (a probe or a fetch that answered). */
const connectedAt = new Map<string, number>();

/** Notes that a request to `target` got an answer, so its address needs no probe for a while. */
export function rememberConnected(target: URL): void {
  const key = keyOf(target);
  connectedAt.delete(key);
  if (connectedAt.size >= MAX_REMEMBERED) {
    const oldest = connectedAt.keys().next().value;
    if (oldest !== undefined) connectedAt.delete(oldest);
  }
  connectedAt.set(key, Date.now());
}

/**
 * Resolves once a TCP connection to `target`'s address and port was made (then closed), or
 * at once when one was made recently. Rejects with code `CONNECT_TIMEOUT` when none is made within
 * `timeoutMs`, with the socket's own error (e.g. `ECONNREFUSED`) when refused, and with
 * `signal`'s reason when it fires.
 */
export async function assertConnects(
  target: URL,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  const at = connectedAt.get(keyOf(target));
  if (at !== undefined && Date.now() - at < TRUSTED_FOR_MS) return;
  signal.throwIfAborted();
  const socket = Bun.connect({
    hostname: target.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: portOf(target),
    socket: { data() {}, open() {}, error() {} },
  });
  let timer: Timer | undefined;
  let onAbort = () => {};
  const givenUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(connectTimeout(target, timeoutMs)), timeoutMs);
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    (await Promise.race([socket, givenUp])).end();
    rememberConnected(target);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
    // A connection made after we gave up is closed as soon as it opens.
    socket.then((late) => late.end()).catch(() => undefined);
  }
}

function connectTimeout(target: URL, timeoutMs: number): Error {
  const message = `no connection to ${target.host} within ${timeoutMs} ms`;
  return Object.assign(new Error(message), { code: CONNECT_TIMEOUT });
}

function portOf(target: URL): number {
  if (target.port) return Number(target.port);
  return target.protocol === "https:" ? 443 : 80;
}

function keyOf(target: URL): string {
  return `${target.hostname}:${portOf(target)}`;
}
