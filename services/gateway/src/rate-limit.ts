import { z } from "zod";
import { booleanSetting } from "@shopsniffer/shared/config";
import type { Db } from "@shopsniffer/shared/db/client";
import type { Principal } from "./auth/principal.ts";
import { StatusError } from "./auth/status-error.ts";
import type { GatewayConfig } from "./config.ts";

const perWindow = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** Job-creation limits (spread into the gateway's config schema). 0 turns one limit off. */
export const rateLimitConfigShape = {
  RATE_LIMIT_ENABLED: booleanSetting(true),
  /** Length of the fixed counting window. */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Jobs one API key may create per window. */
  RATE_LIMIT_JOBS_PER_KEY: perWindow(30),
  /** Jobs one user may create per window, over all their keys and sessions. */
  RATE_LIMIT_JOBS_PER_USER: perWindow(60),
  /** Job requests one client address may make per window, whatever the credential. */
  RATE_LIMIT_JOBS_PER_ADDRESS: perWindow(60),
};

/** One counter to charge: a bucket name and its limit per window. */
interface Charge {
  bucket: string;
  limit: number;
}

const lastPrune = new WeakMap<Db, number>();

/**
 * Counts one job request against the caller's key, user and client address, each in a fixed
 * window held in the database (so every gateway replica shares the counts). Throws a 429 with
 * `retry_after` and `Retry-After` when any of them is over its limit; the request still counts.
 */
export async function limitJobRequests(
  db: Db,
  config: GatewayConfig,
  principal: Principal | null,
  address: string | null,
): Promise<void> {
  if (!config.RATE_LIMIT_ENABLED) return;
  const charges: Charge[] = [];
  if (principal?.keyId) {
    charges.push({ bucket: `jobs:key:${principal.keyId}`, limit: config.RATE_LIMIT_JOBS_PER_KEY });
  }
  if (principal?.userId) {
    charges.push({
      bucket: `jobs:user:${principal.userId}`,
      limit: config.RATE_LIMIT_JOBS_PER_USER,
    });
  }
  if (address) {
    charges.push({
      bucket: `jobs:addr:${addressBucket(address)}`,
      limit: config.RATE_LIMIT_JOBS_PER_ADDRESS,
    });
  }
  const windowMs = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
  for (const charge of charges) {
    if (charge.limit <= 0) continue;
    const retryAfter = await hit(db, charge, windowMs);
    if (retryAfter !== null) throw rateLimited(retryAfter);
  }
  await pruneNow(db, windowMs);
}

/**
 * Adds one hit to the bucket's current window in a single atomic upsert (so concurrent
 * replicas never lose a count). Returns null when within the limit, else the seconds until
 * the window ends.
 */
async function hit(db: Db, charge: Charge, windowMs: number): Promise<number | null> {
  const now = Date.now();
  const windowStart = now - (now % windowMs);
  const result = await db.write(() =>
    db.client.execute({
      sql: `INSERT INTO rate_limit_counters (bucket, window_start, hits) VALUES (?, ?, 1)
        ON CONFLICT (bucket) DO UPDATE SET
          hits = CASE WHEN rate_limit_counters.window_start >= excluded.window_start
            THEN rate_limit_counters.hits + 1 ELSE 1 END,
          window_start = MAX(rate_limit_counters.window_start, excluded.window_start)
        RETURNING hits, window_start`,
      args: [charge.bucket, windowStart],
    }),
  );
  const row = result.rows[0];
  const hits = Number(row?.hits ?? 0);
  if (hits <= charge.limit) return null;
  const endsAt = Number(row?.window_start ?? windowStart) + windowMs;
  return Math.max(1, Math.ceil((endsAt - now) / 1000));
}

/** Deletes counters of finished windows, at most once per window per process. */
async function pruneNow(db: Db, windowMs: number): Promise<void> {
  const now = Date.now();
  if (now - (lastPrune.get(db) ?? 0) < windowMs) return;
  lastPrune.set(db, now);
  await db.write(() =>
    db.client.execute({
      sql: "DELETE FROM rate_limit_counters WHERE window_start < ?",
      args: [now - 2 * windowMs],
    }),
  );
}

function rateLimited(retryAfter: number): StatusError {
  return new StatusError(
    429,
    { error: "Rate limit exceeded", retry_after: retryAfter, code: "rate_limited" },
    { "retry-after": String(retryAfter) },
  );
}

/**
 * The counter name for an address: IPv6 addresses are counted per /64 (one subscriber's
 * network), and addresses are hashed so the table holds no client addresses.
 */
export function addressBucket(address: string): string {
  const key = address.includes(":") ? ipv6Prefix64(address) : address;
  return new Bun.CryptoHasher("sha256").update(key).digest("hex").slice(0, 32);
}

function ipv6Prefix64(address: string): string {
  const [head = "", tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array(Math.max(0, missing)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (Number.parseInt(g, 16) || 0).toString(16))
    .join(":")}::/64`;
}
