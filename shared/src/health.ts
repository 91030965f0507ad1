import { timingSafeEqual } from "node:crypto";
import type { NatsConnection } from "nats";
import type { Db } from "./db/client.ts";

/** What a readiness probe reports: ready means NATS and the database both answered. */
export interface Readiness {
  ok: boolean;
  nats: "connected" | "unreachable";
  database: "ok" | "unreachable";
}

const PROBE_TIMEOUT_MS = 1_000;

/**
 * Checks both dependencies at once, each within a second: a NATS round trip and a `select 1`.
 * Never throws; a dependency that errors or is slower than the limit counts as unreachable.
 */
export async function checkReadiness(svc: { nc: NatsConnection; db: Db }): Promise<Readiness> {
  const [natsOk, dbOk] = await Promise.all([
    withinLimit(() => (svc.nc.isClosed() ? Promise.reject() : svc.nc.rtt())),
    withinLimit(() => svc.db.client.execute("select 1")),
  ]);
  return {
    ok: natsOk && dbOk,
    nats: natsOk ? "connected" : "unreachable",
    database: dbOk ? "ok" : "unreachable",
  };
}

async function withinLimit(probe: () => Promise<unknown>): Promise<boolean> {
  const timeout = Bun.sleep(PROBE_TIMEOUT_MS).then(() => false);
  const answered = probe().then(
    () => true,
    () => false,
  );
  return Promise.race([answered, timeout]);
}

/**
 * True when `request` may read metrics: no token is configured, or it carries
 * `Authorization: Bearer <token>`. The comparison takes the same time for any wrong token.
 */
export function metricsAllowed(request: Request, token: string | undefined): boolean {
  if (!token) return true;
  const given = request.headers.get("authorization")?.replace(/^Bearer\s+/i, "") ?? "";
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
