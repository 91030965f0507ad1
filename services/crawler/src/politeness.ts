import type { Logger } from "@shopsniffer/shared/log";
import type { RequestGate } from "@shopsniffer/shared/store/fetch";
import type { KV, KvEntry } from "nats";
import { parseRetryAfterMs } from "./retry-after.ts";
import { isBlockAnswer } from "./store-session.ts";

/** The settings the shared budget obeys (see config.ts). */
export interface PolitenessSettings {
  /** Names the outgoing address; crawler processes sharing one address share one budget. */
  CRAWLER_EGRESS_ID: string;
  /** Requests per second from that address to all stores together. */
  CRAWLER_EGRESS_RATE: number;
  /** How long every job from that address stops after a block (430, a challenge). */
  CRAWLER_BLOCK_PAUSE_MS: number;
  /** Longest `Retry-After` honoured, for this job and every other job on the same store. */
  CRAWLER_MAX_RETRY_AFTER_MS: number;
}

/** The budget of one outgoing address, as stored in the KV bucket. */
interface EgressState {
  /** Earliest time (ms since the epoch) the next request may be sent. */
  nextMs: number;
  /** No request before this time: a block was seen. */
  pausedUntilMs: number;
  pauseReason?: string;
}

const CAS_TRIES = 200;

/**
 * The politeness budget shared by every job of every crawler process through a JetStream KV
 * bucket, so no process memory decides it:
 * - key `egress.<id>`: requests from one address are spaced `1000 / rate` ms apart. Each
 *   request reserves the next free slot with a compare-and-set update, then waits for it;
 * - key `host.<id>.<host>`: a store's `Retry-After` (capped) holds every job on that store;
 * - a block (430, 403 challenge, a challenge page) pauses every job from the address.
 * Times are wall-clock milliseconds, so crawler hosts sharing an address need synced clocks.
 */
export class PolitenessGate implements RequestGate {
  private readonly intervalMs: number;
  /** Reservations of this process, one at a time: only other processes race for the key. */
  private reserving: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly kv: KV,
    private readonly settings: PolitenessSettings,
    private readonly log?: Logger,
    /** Waits; tests may record instead. */
    private readonly sleep: (ms: number) => Promise<void> = (ms) => Bun.sleep(ms),
  ) {
    this.intervalMs = 1000 / settings.CRAWLER_EGRESS_RATE;
  }

  async beforeRequest(url: URL): Promise<void> {
    const hold = await this.read<{ notBeforeMs: number }>(this.hostKey(url.hostname));
    const hostWait = (hold?.value.notBeforeMs ?? 0) - Date.now();
    if (hostWait > 0)
      await this.sleep(Math.min(hostWait, this.settings.CRAWLER_MAX_RETRY_AFTER_MS));
    const reservation = this.reserving.then(() => this.reserveSlot());
    this.reserving = reservation.catch(() => undefined);
    const slotWait = await reservation;
    if (slotWait > 0) await this.sleep(slotWait);
  }

  async afterResponse(url: URL, response: Response): Promise<void> {
    if (isBlockAnswer(response)) {
      await this.onBlocked(url, `HTTP ${response.status} on ${url.hostname}`);
      return;
    }
    if (response.status !== 429 && response.status !== 503) return;
    const askedMs = parseRetryAfterMs(response.headers.get("retry-after"));
    if (askedMs === null || askedMs <= 0) return;
    const notBeforeMs = Date.now() + Math.min(askedMs, this.settings.CRAWLER_MAX_RETRY_AFTER_MS);
    await this.raise(this.hostKey(url.hostname), { notBeforeMs }, (old) =>
      old && old.notBeforeMs >= notBeforeMs ? null : { notBeforeMs },
    );
  }

  async onBlocked(url: URL, reason: string): Promise<void> {
    const until = Date.now() + this.settings.CRAWLER_BLOCK_PAUSE_MS;
    this.log?.warn({ host: url.hostname, reason, pausedUntil: until }, "egress paused");
    const fresh: EgressState = { nextMs: 0, pausedUntilMs: until, pauseReason: reason };
    await this.raise<EgressState>(this.egressKey(), fresh, (old) =>
      old && old.pausedUntilMs >= until ? null : { ...old, ...fresh, nextMs: old?.nextMs ?? 0 },
    );
  }

  /**
   * Reserves the next free slot of the address (after any pause) and returns how long to wait
   * for it. A pause is waited for at most CRAWLER_BLOCK_PAUSE_MS from now.
   */
  private async reserveSlot(): Promise<number> {
    for (let tries = 0; tries < CAS_TRIES; tries++) {
      const entry = await this.read<EgressState>(this.egressKey());
      const now = Date.now();
      const state = entry?.value ?? { nextMs: 0, pausedUntilMs: 0 };
      const pauseEnd = Math.min(state.pausedUntilMs, now + this.settings.CRAWLER_BLOCK_PAUSE_MS);
      const slot = Math.max(now, state.nextMs, pauseEnd);
      const next: EgressState = { ...state, nextMs: slot + this.intervalMs };
      if (await this.write(this.egressKey(), next, entry?.revision)) return slot - now;
    }
    throw new Error("politeness budget: too many concurrent updates");
  }

  /** Compare-and-set `change(old)` into `key` until it sticks or `change` returns null. */
  private async raise<T>(key: string, fresh: T, change: (old: T | null) => T | null) {
    for (let tries = 0; tries < CAS_TRIES; tries++) {
      const entry = await this.read<T>(key);
      const next = entry ? change(entry.value) : fresh;
      if (next === null) return;
      if (await this.write(key, next, entry?.revision)) return;
    }
  }

  private async read<T>(key: string): Promise<{ value: T; revision: number } | null> {
    const entry: KvEntry | null = await this.kv.get(key);
    if (entry?.operation !== "PUT" || entry.value.length === 0) return null;
    return { value: entry.json<T>(), revision: entry.revision };
  }

  /** Writes if `key` is still at `revision` (absent when undefined); false on a lost race. */
  private async write(key: string, value: unknown, revision?: number): Promise<boolean> {
    const data = new TextEncoder().encode(JSON.stringify(value));
    try {
      if (revision === undefined) await this.kv.create(key, data);
      else await this.kv.update(key, data, revision);
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  private egressKey(): string {
    return `egress.${keyPart(this.settings.CRAWLER_EGRESS_ID)}`;
  }

  private hostKey(host: string): string {
    return `host.${keyPart(this.settings.CRAWLER_EGRESS_ID)}.${keyPart(host)}`;
  }
}

/** Opens (creating if needed) the budget's bucket. Entries expire after a day unused. */
export async function openPolitenessBucket(
  js: { views: { kv: (name: string, opts?: object) => Promise<KV> } },
  bucket: string,
): Promise<KV> {
  return js.views.kv(bucket, { history: 1, ttl: 24 * 3_600_000 });
}

function keyPart(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_-]/g, "_");
}

function isConflict(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /wrong last sequence|key exists/i.test(message);
}
