import pino from "pino";

export type Logger = pino.Logger;

/** A JSON logger on stdout; bind `jobId` or `requestId` with `child()` once per unit of work. */
export function createLogger(service: string, level = "info"): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ["apiKey", "headers['x-api-key']", "key"], remove: true },
  });
}
