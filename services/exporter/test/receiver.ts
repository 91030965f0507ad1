/** One request a test receiver got: its path, headers and raw body. */
export interface ReceivedHook {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** A local webhook receiver: records every POST and answers what `answer` says. */
export interface Receiver {
  hooks: ReceivedHook[];
  url(path: string): string;
  /** The requests made to `path`, in arrival order. */
  at(path: string): ReceivedHook[];
  stop(): Promise<void>;
}

/**
 * Starts a receiver on 127.0.0.1 and a random port. `answer` gets the request's path and how
 * many requests that path had before this one, and returns the status (or a promise of it).
 */
export function startReceiver(
  answer: (path: string, previous: number) => number | Promise<number>,
): Receiver {
  const hooks: ReceivedHook[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (request) => {
      const path = new URL(request.url).pathname;
      const previous = hooks.filter((h) => h.path === path).length;
      const headers = Object.fromEntries(request.headers.entries());
      hooks.push({ path, headers, body: await request.text(), at: Date.now() });
      return new Response("thanks", { status: await answer(path, previous) });
    },
  });
  return {
    hooks,
    url: (path) => `http://127.0.0.1:${server.port}${path}`,
    at: (path) => hooks.filter((h) => h.path === path),
    stop: () => server.stop(true),
  };
}
