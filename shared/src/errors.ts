/** Stable error codes. A code decides the HTTP status and whether a stage retries. */
export const errorCodes = [
  "invalid_input",
  "invalid_domain",
  "not_shopify",
  "password_protected",
  "store_unreachable",
  "blocked_address",
  "unauthorized",
  "not_found",
  "conflict",
  "gone",
  "payload_too_large",
  "upstream_failed",
  "unavailable",
  "internal",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** The one error type the services throw on purpose. `retryable` says a stage may try again. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryable = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "AppError";
  }
}

/** HTTP status for a code. Exhaustive: a new code fails the build until it is mapped. */
export function httpStatus(code: ErrorCode): number {
  switch (code) {
    case "invalid_input":
    case "invalid_domain":
      return 400;
    case "unauthorized":
      return 401;
    case "not_found":
      return 404;
    case "conflict":
      return 409;
    case "gone":
      return 410;
    case "payload_too_large":
      return 413;
    case "not_shopify":
    case "password_protected":
    case "store_unreachable":
    case "blocked_address":
      return 422;
    case "upstream_failed":
      return 502;
    case "unavailable":
      return 503;
    case "internal":
      return 500;
    default:
      return assertNever(code);
  }
}

/** Stored and published form of a failure: plain data, never a stack. */
export interface FailureRecord {
  code: ErrorCode;
  message: string;
  retryable: boolean;
}

/** Turns any thrown value into a failure record; unknown errors count as retryable. */
export function toFailure(error: unknown): FailureRecord {
  if (error instanceof AppError) {
    return { code: error.code, message: error.message, retryable: error.retryable };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "internal", message: message.slice(0, 500), retryable: true };
}

export function assertNever(value: never): never {
  throw new Error(`unhandled value: ${String(value)}`);
}
