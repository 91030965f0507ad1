import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import { AppError, httpStatus } from "@shopsniffer/shared/errors";
import { authRoutes } from "./auth/better-auth.ts";
import { clientAddressPlugin } from "./auth/client-address.ts";
import { securitySchemes } from "./auth/openapi.ts";
import { StatusError } from "./auth/status-error.ts";
import { corsPlugin } from "./cors.ts";
import type { GatewayDeps } from "./deps.ts";
import { requestLog } from "./request-log.ts";
import { apiKeyRoutes } from "./routes/api-keys.ts";
import { downloadRoutes } from "./routes/downloads.ts";
import { jobRoutes } from "./routes/jobs.ts";
import { pagespeedRoutes } from "./routes/pagespeed.ts";
import { opsRoutes } from "./routes/ops.ts";
import { progressSocketRoutes } from "./routes/progress-socket.ts";
import { reportPageRoutes } from "./routes/report-page.ts";
import { reportRoutes } from "./routes/reports.ts";

/**
 * The HTTP app: the API under `/api`, the OpenAPI document at `/api/openapi.json`, and the
 * human report page at `/report/:id`. Every error leaves as `{ error, code }`; a 401 may add
 * a `message` saying what to fix.
 */
export function createApp(deps: GatewayDeps) {
  const api = new Elysia({ prefix: "/api", normalize: false })
    .use(
      openapi({
        path: "/docs",
        specPath: "/openapi.json",
        documentation: {
          info: {
            title: "ShopSniffer API",
            version: "0.1.0",
            description: "Analyse public Shopify stores: jobs, progress, reports and exports.",
          },
          components: { securitySchemes },
        },
      }),
    )
    .use(opsRoutes(deps))
    .use(jobRoutes(deps))
    .use(apiKeyRoutes(deps))
    .use(downloadRoutes(deps))
    .use(reportRoutes(deps))
    .use(pagespeedRoutes(deps))
    .use(progressSocketRoutes(deps));
  // normalize: false turns unknown body fields into a 400 instead of dropping them silently.
  return new Elysia({ normalize: false })
    .use(requestLog(deps.svc.log))
    .use(clientAddressPlugin(deps.svc.config))
    .use(corsPlugin(deps.svc.config))
    .error({ AppError })
    .onError(({ code, error, set, request }) => {
      const { status, body, headers } = errorResponse(code, error);
      if (status >= 500) {
        const requestId = set.headers["x-request-id"];
        deps.svc.log.error({ err: error, url: request.url, requestId }, "request failed");
      }
      set.status = status;
      if (headers) Object.assign(set.headers, headers);
      return body;
    })
    .use(authRoutes(deps.svc))
    .use(api)
    .use(reportPageRoutes(deps));
}

type ErrorReply = {
  status: number;
  body: Record<string, unknown> & { error: string };
  headers?: Record<string, string>;
};

function errorResponse(code: string | number, error: unknown): ErrorReply {
  // Elysia wraps what a parse hook throws (our body reader's 413 and 400s) in a ParseError.
  const cause = code === "PARSE" ? (error as Error).cause : undefined;
  if (cause instanceof AppError || cause instanceof StatusError) return errorResponse("", cause);
  if (error instanceof StatusError) {
    return { status: error.status, body: error.body, headers: error.headers };
  }
  if (error instanceof AppError) {
    return { status: httpStatus(error.code), body: { error: error.message, code: error.code } };
  }
  switch (code) {
    case "VALIDATION":
      return invalid(validationMessage(error));
    case "PARSE":
      return invalid("Malformed request body; send JSON with Content-Type: application/json.");
    case "NOT_FOUND":
      return { status: 404, body: { error: "Not found", code: "not_found" } };
    case "INVALID_COOKIE_SIGNATURE":
      return { status: 401, body: { error: "Unauthorized", code: "unauthorized" } };
    default:
      return { status: 500, body: { error: "Internal server error", code: "internal" } };
  }
}

function invalid(message: string): ErrorReply {
  return { status: 400, body: { error: message, code: "invalid_input" } };
}

/** A one-line summary of a TypeBox validation failure, without echoing the input. */
function validationMessage(error: unknown): string {
  const first = (error as { all?: Array<{ path?: string; message?: string }> }).all?.[0];
  if (!first) return "Invalid request.";
  const field = first.path ? first.path.replace(/^\//, "").replace(/\//g, ".") : "body";
  return `Invalid request: ${field || "body"}: ${first.message ?? "invalid value"}`;
}
