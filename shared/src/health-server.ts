import type { BaseConfig } from "./config.ts";
import { checkReadiness, metricsAllowed } from "./health.ts";
import { METRICS_CONTENT_TYPE, renderMetrics } from "./metrics.ts";
import type { ServiceContext } from "./service.ts";

/** The operations listener of a service process; `port` is the one actually bound. */
export interface HealthServer {
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts the operations listener on `HEALTH_PORT` (0 picks a free port), or returns null when
 * the setting is unset. It serves `GET /healthz` (200 while the process runs), `GET /readyz`
 * (200 when NATS and the database answer, else 503) and `GET /metrics` (Prometheus text,
 * `Authorization: Bearer <METRICS_TOKEN>` required when that is set). Bind it to a private
 * network: it is meant for probes and scrapers, not for the public.
 */
export function startHealthServer(svc: ServiceContext<BaseConfig>): HealthServer | null {
  const { HEALTH_PORT, HEALTH_HOST } = svc.config;
  if (HEALTH_PORT === undefined) return null;
  const server = Bun.serve({
    hostname: HEALTH_HOST,
    port: HEALTH_PORT,
    fetch: (request) => route(svc, request),
  });
  svc.log.info({ port: server.port, host: HEALTH_HOST }, "health listening");
  return {
    port: server.port ?? HEALTH_PORT,
    async stop() {
      await server.stop(true);
    },
  };
}

async function route(svc: ServiceContext<BaseConfig>, request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (request.method !== "GET") return Response.json({ error: "Not found" }, { status: 404 });
  switch (pathname) {
    case "/healthz":
      return Response.json({ ok: true, service: svc.name });
    case "/readyz": {
      const readiness = await checkReadiness(svc);
      return Response.json(readiness, { status: readiness.ok ? 200 : 503 });
    }
    case "/metrics":
      if (!metricsAllowed(request, svc.config.METRICS_TOKEN)) {
        return Response.json({ error: "Unauthorized" }, { status: 401 });
      }
      return new Response(await renderMetrics(), {
        headers: { "content-type": METRICS_CONTENT_TYPE },
      });
    default:
      return Response.json({ error: "Not found" }, { status: 404 });
  }
}
