import { Elysia } from "elysia";
import { checkReadiness, metricsAllowed } from "@shopsniffer/shared/health";
import { METRICS_CONTENT_TYPE, renderMetrics } from "@shopsniffer/shared/metrics";
import type { GatewayDeps } from "../deps.ts";

/**
 * `GET /api/health`: readiness, 200 when NATS and the database answer within a second, else
 * 503 with which one failed. `GET /api/metrics`: the gateway's Prometheus metrics, behind
 * `Authorization: Bearer <METRICS_TOKEN>` when that setting is set.
 */
export function opsRoutes(deps: GatewayDeps) {
  return new Elysia()
    .get(
      "/health",
      async ({ set }) => {
        const readiness = await checkReadiness(deps.svc);
        if (!readiness.ok) set.status = 503;
        return readiness;
      },
      {
        detail: {
          summary: "Readiness: 503 while NATS or the database is unreachable",
          tags: ["Meta"],
        },
      },
    )
    .get(
      "/metrics",
      async ({ request, set }) => {
        if (!metricsAllowed(request, deps.svc.config.METRICS_TOKEN)) {
          set.status = 401;
          return { error: "Unauthorized", code: "unauthorized" };
        }
        return new Response(await renderMetrics(), {
          headers: { "content-type": METRICS_CONTENT_TYPE },
        });
      },
      { detail: { summary: "Prometheus metrics of this gateway process", tags: ["Meta"] } },
    );
}
