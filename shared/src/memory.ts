/**
 * A bound on the garbage of long passes over a catalog. Bun collects when its own heuristics
 * say so, and a pass that turns megabytes of JSON into garbage on every page (a storefront
 * list page of 250 products, a read chunk of stored products) let the crawler and the
 * exporter reach 310 to 480 MB resident on a 100,000-product store, most of it garbage not yet
 * collected. Calling `collectGarbageIfOver()` between pages runs a full collection whenever
 * the process's resident memory passed the threshold, which keeps the peak near the threshold
 * plus what one page allocates.
 */

const MB = 1024 * 1024;
/** Resident memory above which a page boundary triggers a full collection. */
export const GC_SOFT_LIMIT_BYTES = 200 * MB;
/**
 * When the live data itself is above the soft limit (many jobs at once), the threshold moves
 * to this much above what a collection left, so that every page does not pay a collection.
 */
export const GC_HEADROOM_BYTES = 48 * MB;

/** The threshold logic, with the RSS reading injectable for tests. */
export class GarbageGuard {
  private thresholdBytes: number;

  constructor(
    private readonly softLimitBytes = GC_SOFT_LIMIT_BYTES,
    private readonly headroomBytes = GC_HEADROOM_BYTES,
    private readonly rssBytes: () => number = () => process.memoryUsage.rss(),
  ) {
    this.thresholdBytes = softLimitBytes;
  }

  /** Collects when resident memory is at or above the threshold; returns whether it did. */
  collectIfOver(): boolean {
    if (this.rssBytes() < this.thresholdBytes) return false;
    Bun.gc(true);
    this.thresholdBytes = Math.max(this.softLimitBytes, this.rssBytes() + this.headroomBytes);
    return true;
  }
}

const processGuard = new GarbageGuard();

/**
 * Runs a full garbage collection when this process's resident memory is above the threshold;
 * returns whether it did. Cheap when under it (one read of the RSS). Synchronous: the
 * collection holds the event loop for a few to a few tens of milliseconds.
 */
export function collectGarbageIfOver(): boolean {
  return processGuard.collectIfOver();
}
