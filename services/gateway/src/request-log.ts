import { Elysia } from "elysia";
import type { Logger } from "@shopsniffer/shared/log";

/**
 * One summary line per request (method, path, status, duration) with a request id, which is
 * also sent back as `x-request-id`. Query strings are left out: they may name jobs or keys.
 */
export function requestLog(log: Logger) {
  const started = new WeakMap<Request, { at: number; id: string }>();
  return new Elysia({ name: "request-log" })
    .onRequest(({ request, set }) => {
      const id = request.headers.get("x-request-id")?.slice(0, 100) || crypto.randomUUID();
      started.set(request, { at: performance.now(), id });
      set.headers["x-request-id"] = id;
    })
    .onAfterResponse({ as: "global" }, ({ request, set }) => {
      const start = started.get(request);
      const path = new URL(request.url).pathname;
      if (path === "/api/health") return;
      log.info(
        {
          requestId: start?.id,
          method: request.method,
          path,
          status: set.status ?? 200,
          durationMs: start ? Math.round(performance.now() - start.at) : undefined,
        },
        "request",
      );
    });
}
