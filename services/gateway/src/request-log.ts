import { Elysia } from "elysia";
import type { Logger } from "@shopsniffer/shared/log";
import { observeHttpRequest } from "@shopsniffer/shared/metrics";

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
      const durationMs = start ? performance.now() - start.at : 0;
      const status = typeof set.status === "number" ? set.status : 200;
      observeHttpRequest(request.method, status, durationMs);
      if (path === "/api/health" || path === "/api/metrics") return;
      log.info(
        {
          requestId: start?.id,
          method: request.method,
          path,
          status: set.status ?? 200,
          durationMs: start ? Math.round(durationMs) : undefined,
        },
        "request",
      );
    });
}
