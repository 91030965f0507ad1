import { baseConfigSchema } from "@shopsniffer/shared/config";
import { z } from "zod";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The crawler's settings: the shared ones plus how hard it may hit a store. */
export const crawlerConfigSchema = baseConfigSchema.extend({
  /** Store requests in flight at once per job (collection lists, single products, page HTML). */
  CRAWLER_CONCURRENCY: positiveInt(4),
  /**
   * Consecutive normal answers from a store after which its concurrency, halved on each 429,
   * grows back by one (up to CRAWLER_CONCURRENCY).
   */
  CRAWLER_CONCURRENCY_GROW_AFTER: positiveInt(20),
  /** Longest wait in ms a store's `Retry-After` is honoured for before trying again. */
  CRAWLER_MAX_RETRY_AFTER_MS: positiveInt(30_000),
  /**
   * Names the outgoing address of this crawler. Every crawler process with the same id shares
   * one politeness budget (kept in NATS): give processes behind one public IP the same id.
   */
  CRAWLER_EGRESS_ID: z.string().min(1).default("default"),
  /** Requests per second from one outgoing address to all stores together. */
  CRAWLER_EGRESS_RATE: z.coerce.number().positive().default(10),
  /** How long every job from an address stops after a block (430, a challenge page). */
  CRAWLER_BLOCK_PAUSE_MS: positiveInt(120_000),
  /** Jobs one crawler process works on at once, per stage. */
  CRAWLER_JOB_CONCURRENCY: positiveInt(2),
  /**
   * Pages of 250 read from `/products.json` and each collection's `products.json`. Shopify
   * refuses page × limit above 25,000, so 100 pages is all a storefront serves.
   */
  CRAWLER_MAX_PRODUCT_PAGES: positiveInt(100),
  /** Pages of 250 read from `/collections.json`. */
  CRAWLER_MAX_COLLECTION_PAGES: positiveInt(100),
  /** Sitemap URLs written per insert statement. */
  CRAWLER_SITEMAP_BATCH: positiveInt(500),
  /**
   * Sitemap URLs read per job at most. Past it the sitemap stage stops reading, marks its step
   * `truncated` and completes with what it has.
   */
  CRAWLER_MAX_SITEMAP_URLS: positiveInt(200_000),
  /** Child sitemaps read per job at most, nested indexes included (Shopify lists a few dozen). */
  CRAWLER_MAX_SITEMAP_CHILDREN: positiveInt(1_000),
});

export type CrawlerSettings = z.infer<typeof crawlerConfigSchema>;
