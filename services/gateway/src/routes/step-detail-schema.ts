import { t } from "elysia";
import { pagespeedPageSchema } from "./pagespeed.ts";
import {
  count,
  integer,
  nullableInteger,
  nullableString,
  oneOf,
  strings,
} from "./schema-helpers.ts";

const endedBy = oneOf(
  ["empty", "errors", "cap", "unavailable"],
  "What ended the paging: an empty page, an `errors` body (Shopify refuses page × limit " +
    "above 25,000), the page cap, or an unavailable first page.",
);

const sitemap = t.Object(
  {
    products: count("Product URLs the sitemaps listed."),
    collections: count("Collection URLs."),
    pages: count("Page URLs."),
    blogs: count("Blog and article URLs."),
    other: count("Other URLs."),
    children: count("Child sitemaps read."),
    failed_children: t.Optional(
      t.Array(
        t.Object({
          loc: t.String({ description: "The child sitemap's URL." }),
          error: t.String({ description: "Why it was skipped." }),
        }),
        { description: "Child sitemaps that could not be read; absent when none failed." },
      ),
    ),
    truncated: t.Optional(t.Literal(true, { description: "A cap stopped the reading." })),
    max_urls: t.Optional(count("`CRAWLER_MAX_SITEMAP_URLS`, when it refused URLs.")),
    max_children: t.Optional(count("`CRAWLER_MAX_SITEMAP_CHILDREN`, when it refused some.")),
  },
  { description: "`sitemap` step: URLs per kind, as listed by the store's sitemaps." },
);

const audit = t.Object(
  {
    primary_domain: t.String({ description: "`shop_meta.primary_domain`." }),
    theme_name: nullableString("`shop_meta.theme_name`."),
    apps: count("Apps detected."),
    mode: oneOf(["browser", "static"], "`shop_meta.audit_mode`."),
    reason: t.Optional(t.String({ description: "Why static mode was used." })),
    requests: count("Requests of the rendered page, refused ones included; 0 when static."),
    screenshot_bytes: nullableInteger("Size of `screenshot.png`; null when none was taken."),
  },
  { description: "`audit` step: a summary of `shop_meta`." },
);

const coverage = t.Object(
  {
    from_lists: count("Products from `/products.json`."),
    from_collections: count("Products found only in collections' product lists."),
    from_sitemap_fetches: count("Products fetched one by one for sitemap handles."),
    from_json_ld: count("Of those, products read from their page's JSON-LD."),
    sitemap_products: count("Distinct product handles of the sitemap."),
    published_products_count: nullableInteger("`/meta.json`'s count; null when unknown."),
    missing: strings("Up to 50 sitemap handles no source answered."),
    missing_count: count("Sitemap handles no source answered."),
  },
  { description: "Where the catalog came from and what is missing (docs/crawling.md)." },
);

const products = t.Object(
  {
    outcome: oneOf(
      ["complete", "partial", "endpoints_disabled", "rate_limited", "blocked"],
      "The catalog's classification (docs/crawling.md, Outcomes); also the job's `outcome`.",
    ),
    products_json: t.Optional(
      oneOf(["available", "unavailable"], "Whether `/products.json` is served."),
    ),
    reason: t.Optional(t.String({ description: "Why `/products.json` is unavailable." })),
    pages: t.Optional(count("`/products.json` pages read.")),
    ended_by: t.Optional(endedBy),
    store_error: t.Optional(t.String({ description: "The store's `errors` body." })),
    products: count("Products stored."),
    by_source: t.Object(
      {
        "products.json": count("From `/products.json`."),
        collections: count("From collections' product lists."),
        "product.json": count("From `/products/<handle>.json`."),
        "product.js": count("From `/products/<handle>.js`."),
        json_ld: count("From the product page's JSON-LD."),
      },
      { description: "Products stored per source (the first source that returned each)." },
    ),
    skipped_items: t.Optional(count("List items without a numeric id or handle.")),
    expected: t.Optional(count("`/meta.json`'s count, else the sitemap's; drives progress.")),
    coverage: t.Optional(coverage),
    throttled: t.Optional(count("429 answers the store sent this job.")),
    blocked: t.Optional(t.String({ description: "Where the store blocked the crawler." })),
  },
  { description: "`indexing-products` step; a failing step keeps `outcome` and counts." },
);

const collections = t.Object(
  {
    collections_json: oneOf(["available", "unavailable"], "Whether `/collections.json` is served."),
    collections: count("Collections stored."),
    pages: t.Optional(count("`/collections.json` pages read.")),
    ended_by: t.Optional(endedBy),
    reason: t.Optional(t.String({ description: "Why `/collections.json` is unavailable." })),
    source: t.Optional(t.Literal("sitemap", { description: "Collections came from the sitemap." })),
  },
  { description: "`indexing-collections` step." },
);

const pages = t.Object(
  {
    pages: count("Pages stored, unreadable ones included."),
    fetch_errors: count("Pages that could not be read (stored with `fetch_error`)."),
  },
  { description: "`indexing-pages` step." },
);

const sampledPage = t.Object(
  {
    kind: oneOf(["home", "product", "collection", "page"], "What the page is."),
    url: t.String({ description: "The sampled URL." }),
    status: nullableInteger("HTTP status; null when there was no answer."),
    error: t.Optional(t.String({ description: "Why the page was not read (no facts then)." })),
    final_url: t.Optional(nullableString("Where redirects ended; null when not redirected.")),
    title: t.Optional(nullableString("`<title>` text; null when missing or blank.")),
    description: t.Optional(nullableString("Meta description; null when missing or blank.")),
    canonical: t.Optional(nullableString("Absolute canonical URL; null when absent.")),
    noindex: t.Optional(t.Boolean({ description: "A robots meta tag or header says noindex." })),
    images: t.Optional(count("`<img>` elements.")),
    images_without_alt: t.Optional(count("`<img>` without an `alt` attribute.")),
    images_without_alt_examples: t.Optional(strings("Up to three of their `src`s.")),
    jsonld_types: t.Optional(strings("Every JSON-LD `@type` found, `@graph` included.")),
    jsonld_invalid: t.Optional(count("JSON-LD blocks that are not valid JSON.")),
  },
  { description: "One sampled page and its SEO facts, or its `error`." },
);

const pagespeed = t.Object(
  {
    provider: oneOf(["none", "psi", "lighthouse"], "`PAGESPEED_PROVIDER`."),
    reason: t.Optional(t.String({ description: "Why nothing was measured (skipped)." })),
    throttling: t.Optional(t.String({ description: "Lighthouse throttling method." })),
    strategies: t.Optional(strings("Lighthouse strategies measured.")),
    pages: t.Optional(t.Array(pagespeedPageSchema, { description: "Each page and strategy." })),
    timing: t.Object(
      {
        sample_ms: count("Time the SEO page sample took, ms."),
        measure_ms: count("Time the measuring took, ms."),
      },
      { description: "Where the step's time went." },
    ),
    seo_sample: t.Optional(
      t.Object(
        {
          per_kind: count("`SEO_SAMPLE_PER_KIND`."),
          pages: t.Array(sampledPage, { description: "The sampled pages (docs/seo.md)." }),
        },
        { description: "The store pages read for the SEO checks." },
      ),
    ),
  },
  { description: "`pagespeed` step (docs/seo.md); `GET /api/jobs/{id}/pagespeed` types it." },
);

const insights = t.Object(
  {
    products: count("Products counted."),
    variants: count("Variants counted."),
    priced: t.Boolean({ description: "At least one variant has a price." }),
    seo_findings: count("Entries of `insights.seo.findings`."),
  },
  { description: "`insights` step." },
);

const exported = t.Object(
  {
    products: count("Products exported."),
    csv_rows: count("Rows of `products.csv` after its header."),
    collections: count("Collections in `collections.json`."),
    pages: count("Pages in `pages.json`."),
    bytes: t.Record(t.String(), integer({ minimum: 0, description: "Size in bytes." }), {
      description: "Size of each file, by download key.",
    }),
  },
  { description: "`export` step." },
);

const queued = oneOf(
  ["pending", "delivered", "failed", "skipped", "none"],
  "The notification's status once queued; `none` when the job asked for none.",
);
const notify = t.Object(
  { webhook: queued, email: queued },
  { description: "`notify-callbacks` step: what was queued." },
);

/** `steps[].detail`: what a step found; its shape depends on the step. */
export const stepDetailSchema = t.Union(
  [sitemap, audit, products, collections, pages, pagespeed, insights, exported, notify, t.Null()],
  {
    description:
      "What the step found; the shape depends on `step`. Null while a step first runs and " +
      "for a failed step that recorded nothing (a rerun keeps the earlier detail until it " +
      "ends).",
  },
);
