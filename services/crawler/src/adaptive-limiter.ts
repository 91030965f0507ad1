/**
 * Concurrency for one store that adapts to how it answers: halved (at least 1) when the
 * store throttles, one more after `growAfter` consecutive successes, never above `max`.
 */
export class AdaptiveLimiter {
  private current: number;
  private streak = 0;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    /** The ceiling, CRAWLER_CONCURRENCY. */
    readonly max: number,
    /** Consecutive successes that earn one more slot. */
    readonly growAfter: number,
  ) {
    this.current = Math.max(1, max);
  }

  /** Requests allowed in flight now. */
  get limit(): number {
    return this.current;
  }

  /** The store throttled us (429): halve the limit and start counting successes again. */
  onThrottled(): void {
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.streak = 0;
  }

  /** The store answered normally: after `growAfter` of these in a row, allow one more. */
  onSuccess(): void {
    this.streak += 1;
    if (this.streak < this.growAfter || this.current >= this.max) return;
    this.current += 1;
    this.streak = 0;
    this.wake();
  }

  /** Runs `fn` once fewer than `limit` calls are in flight. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    while (this.inFlight >= this.current) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.inFlight += 1;
    try {
      return await fn();
    } finally {
      this.inFlight -= 1;
      this.wake();
    }
  }

  private wake(): void {
    let free = this.current - this.inFlight;
    while (free-- > 0 && this.waiting.length > 0) this.waiting.shift()?.();
  }
}
