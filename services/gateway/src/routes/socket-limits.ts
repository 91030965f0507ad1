import { z } from "zod";
import { StatusError } from "../auth/status-error.ts";
import { addressBucket } from "../rate-limit.ts";

const cap = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/**
 * Caps on open progress WebSockets (spread into the gateway's config schema). Each socket holds
 * a NATS consumer. Counted per gateway process, not across replicas; 0 turns one cap off.
 */
export const socketLimitConfigShape = {
  /** Progress sockets one client address (an IPv6 /64) may hold open at once. */
  WS_MAX_PER_CLIENT: cap(20),
  /** Progress sockets open at once for one job, whoever follows it. */
  WS_MAX_PER_JOB: cap(10_000),
};

export interface SocketLimits {
  WS_MAX_PER_CLIENT: number;
  WS_MAX_PER_JOB: number;
}

/** What one socket is counted under: its client (null when unknown) and its job. */
export interface SocketKeys {
  client: string | null;
  job: string;
}

/** The keys of a progress socket request: the address as rate limits group it, the job id. */
export function socketKeys(address: string | null, jobId: string): SocketKeys {
  return { client: address ? addressBucket(address) : null, job: jobId.toLowerCase() };
}

/** Open progress sockets of this process, per client and per job. */
export class SocketCounts {
  private readonly clients = new Map<string, number>();
  private readonly jobs = new Map<string, number>();

  constructor(private readonly limits: SocketLimits) {}

  /** Why one more socket under `keys` would pass a cap, as a sentence; null when it fits. */
  refusal(keys: SocketKeys): string | null {
    if (keys.client && full(this.clients, keys.client, this.limits.WS_MAX_PER_CLIENT)) {
      return "Too many progress connections from this client";
    }
    if (full(this.jobs, keys.job, this.limits.WS_MAX_PER_JOB)) {
      return "Too many progress connections for this job";
    }
    return null;
  }

  /** Throws a 429 `{ error, code: "rate_limited" }` when one more socket would pass a cap. */
  check(keys: SocketKeys): void {
    const refusal = this.refusal(keys);
    if (refusal) throw new StatusError(429, { error: refusal, code: "rate_limited" });
  }

  add(keys: SocketKeys): void {
    if (keys.client) bump(this.clients, keys.client, 1);
    bump(this.jobs, keys.job, 1);
  }

  remove(keys: SocketKeys): void {
    if (keys.client) bump(this.clients, keys.client, -1);
    bump(this.jobs, keys.job, -1);
  }
}

function full(counts: Map<string, number>, key: string, limit: number): boolean {
  return limit > 0 && (counts.get(key) ?? 0) >= limit;
}

/** Changes a count, dropping keys that reach zero so the maps only hold open sockets. */
function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}
