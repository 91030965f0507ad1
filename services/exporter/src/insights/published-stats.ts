const DAY_MS = 86_400_000;

/** Products published recently, counted back from the job's creation time. */
export interface PublishedInsights {
  /** The instant the windows end at (ISO 8601): when the job was created, i.e. crawl time. */
  as_of: string;
  /** Products whose `published_at` lies in the 30 days up to `as_of` (inclusive). */
  last_30_days: number;
  /** Products whose `published_at` lies in the 90 days up to `as_of` (inclusive). */
  last_90_days: number;
}

/** Counts products by publication time; products without a valid `published_at` are skipped. */
export class PublishedStats {
  private last30 = 0;
  private last90 = 0;

  constructor(private readonly asOfMs: number) {}

  add(publishedMs: number | null): void {
    if (publishedMs === null || publishedMs > this.asOfMs) return;
    const ageMs = this.asOfMs - publishedMs;
    if (ageMs <= 30 * DAY_MS) this.last30 += 1;
    if (ageMs <= 90 * DAY_MS) this.last90 += 1;
  }

  result(): PublishedInsights {
    return {
      as_of: new Date(this.asOfMs).toISOString(),
      last_30_days: this.last30,
      last_90_days: this.last90,
    };
  }
}
