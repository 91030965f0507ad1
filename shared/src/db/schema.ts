import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One store analysis run. Timestamps are ISO 8601 UTC without milliseconds. */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    domain: text("domain").notNull(),
    slug: text("slug").notNull(),
    status: text("status", { enum: ["pending", "processing", "completed", "errored"] }).notNull(),
    type: text("type").notNull().default("full"),
    indexer: text("indexer").notNull().default("default"),
    webhookUrl: text("webhook_url"),
    notifyEmail: text("notify_email"),
    userId: text("user_id"),
    /** The API key that created the job, if one did; it owns the job with its user. */
    apiKeyId: text("api_key_id"),
    retryOf: text("retry_of"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    completedAt: text("completed_at"),
    currentStep: text("current_step"),
    progress: integer("progress_permille").notNull().default(0),
    productCount: integer("product_count").notNull().default(0),
    collectionCount: integer("collection_count").notNull().default(0),
    pageCount: integer("page_count").notNull().default(0),
    shopMeta: text("shop_meta", { mode: "json" }).$type<Record<string, unknown>>(),
    insights: text("insights", { mode: "json" }).$type<Record<string, unknown>>(),
    downloads: text("downloads", { mode: "json" }).$type<Record<string, string>>(),
    errorStep: text("error_step"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    errorAttempts: integer("error_attempts"),
  },
  (t) => [
    index("jobs_domain_created").on(t.domain, t.createdAt),
    // The pending-job sweeper's `status = 'pending' and created_at < ?`, on every replica.
    index("jobs_status_created").on(t.status, t.createdAt),
  ],
);

/** What each step of a job did: one row per job and step, upserted on every attempt. */
export const jobSteps = sqliteTable(
  "job_steps",
  {
    jobId: text("job_id").notNull(),
    step: text("step").notNull(),
    status: text("status", { enum: ["running", "completed", "skipped", "errored"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    startedAt: text("started_at").notNull(),
    finishedAt: text("finished_at"),
    durationMs: integer("duration_ms"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
    error: text("error"),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.step] })],
);

/** Every URL the store's sitemaps listed, by kind (product, collection, page, blog, other). */
export const sitemapUrls = sqliteTable(
  "sitemap_urls",
  {
    jobId: text("job_id").notNull(),
    url: text("url").notNull(),
    kind: text("kind").notNull(),
    lastmod: text("lastmod"),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.url] })],
);

/** Products as the storefront serves them (`data` is the raw product object). */
export const products = sqliteTable(
  "products",
  {
    jobId: text("job_id").notNull(),
    productId: integer("product_id").notNull(),
    handle: text("handle").notNull(),
    title: text("title").notNull(),
    vendor: text("vendor"),
    productType: text("product_type"),
    source: text("source").notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.productId] })],
);

/** Collections with the handles of their products. Keyed by handle: ids may be unknown. */
export const collections = sqliteTable(
  "collections",
  {
    jobId: text("job_id").notNull(),
    handle: text("handle").notNull(),
    collectionId: integer("collection_id"),
    title: text("title"),
    source: text("source").notNull(),
    productHandles: text("product_handles", { mode: "json" }).$type<string[]>().notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.handle] })],
);

/** Static pages found through the pages sitemap. */
export const pages = sqliteTable(
  "pages",
  {
    jobId: text("job_id").notNull(),
    handle: text("handle").notNull(),
    pageId: integer("page_id"),
    url: text("url").notNull(),
    title: text("title"),
    bodyHtml: text("body_html"),
    fetchError: text("fetch_error"),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.handle] })],
);

/**
 * Export files of a job: one row of metadata per file; the bytes live in file storage
 * (`shared/src/storage/`), which every gateway replica and the exporter share.
 */
export const jobFiles = sqliteTable(
  "job_files",
  {
    jobId: text("job_id").notNull(),
    key: text("key").notNull(),
    contentType: text("content_type").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    createdAt: text("created_at").notNull(),
    /** After this instant the file answers 410 and the cleanup removes its bytes; null: never. */
    expiresAt: text("expires_at"),
    /** When the cleanup removed the bytes from storage; null while they are stored. */
    purgedAt: text("purged_at"),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.key] })],
);

/** API keys, stored only as SHA-256 hashes of the raw key. */
export const apiKeys = sqliteTable("api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  keyHash: text("key_hash").notNull().unique(),
  prefix: text("prefix").notNull(),
  userId: text("user_id"),
  createdAt: text("created_at").notNull(),
  revokedAt: text("revoked_at"),
});

/** Delivery record of each completion callback (webhook or email). */
export const webhookCallbacks = sqliteTable(
  "webhook_callbacks",
  {
    jobId: text("job_id").notNull(),
    kind: text("kind", { enum: ["webhook", "email"] }).notNull(),
    target: text("target").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed", "skipped"] }).notNull(),
    /** `job.completed` or `job.failed`: what was announced. */
    event: text("event").notNull().default("job.completed"),
    attempts: integer("attempts").notNull().default(0),
    /** Last answer: HTTP status (webhook) or SMTP reply code (email); null before any. */
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    /** When the next retry is due, while `pending` after a failed attempt. */
    nextAttemptAt: text("next_attempt_at"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.kind] })],
);

/**
 * x402 payments, one row per EIP-3009 authorization. The primary key is the on-chain
 * replay key `(payer, nonce)`, both lower-case: inserting it is the atomic claim that keeps a
 * replayed `X-PAYMENT` from ever creating a second job.
 */
export const payments = sqliteTable(
  "payments",
  {
    payer: text("payer").notNull(),
    nonce: text("nonce").notNull(),
    status: text("status", {
      enum: ["claimed", "settling", "settled", "failed", "unknown"],
    }).notNull(),
    network: text("network").notNull(),
    /** Atomic units of the asset, as a decimal string. */
    amount: text("amount").notNull(),
    jobId: text("job_id"),
    transaction: text("transaction"),
    errorReason: text("error_reason"),
    /** The decoded payment payload, kept so an unknown settlement can be reconciled. */
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.payer, t.nonce] }), index("payments_status").on(t.status)],
);

/**
 * Fixed-window request counters shared by every gateway replica, one row per bucket (such as
 * `jobs:key:<id>`). The window start is epoch milliseconds; old rows are pruned.
 */
export const rateLimitCounters = sqliteTable(
  "rate_limit_counters",
  {
    bucket: text("bucket").primaryKey(),
    windowStart: integer("window_start").notNull(),
    hits: integer("hits").notNull(),
  },
  (t) => [index("rate_limit_counters_window").on(t.windowStart)],
);

export * from "./auth-schema.ts";
