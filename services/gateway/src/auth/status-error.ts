/**
 * An error answered with its own status, JSON body and headers (for statuses the shared error
 * codes do not cover, such as 403 and 429). The app's error handler sends it as it is.
 */
export class StatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown> & { error: string },
    readonly headers: Record<string, string> = {},
  ) {
    super(body.error);
    this.name = "StatusError";
  }
}

/** 403 for a request that is authenticated but not allowed to do this. */
export function forbidden(message: string): StatusError {
  return new StatusError(403, { error: message, code: "forbidden" });
}
