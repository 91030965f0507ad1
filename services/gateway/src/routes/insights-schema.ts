import { t } from "elysia";
import {
  count,
  integer,
  nullable,
  nullableNumber,
  nullableString,
  oneOf,
} from "./schema-helpers.ts";

const share = (description: string) => t.Number({ minimum: 0, maximum: 1, description });

/** A name and how many products carry it. */
const ranked = (key: string, what: string, description: string) =>
  t.Array(t.Object({ [key]: t.String({ description: what }), count: count("Products with it.") }), {
    description,
  });

const changeList = <T extends Parameters<typeof t.Array>[0]>(example: T, description: string) =>
  t.Object(
    {
      count: count("How many changed."),
      examples: t.Array(example, { description: "The first 10 of them, by product id." }),
    },
    { description },
  );

const variantRef = t.Object(
  {
    handle: t.String({ description: "Product handle (the previous one if it was removed)." }),
    variant_id: integer({ description: "Shopify variant id." }),
  },
  { description: "A variant, named by its product's handle." },
);

const priceChange = t.Object(
  {
    ...variantRef.properties,
    from: t.String({ description: "Previous price, exact decimal string (`19.90`)." }),
    to: t.String({ description: "Current price, exact decimal string." }),
  },
  { description: "A variant whose price differs." },
);

const changes = nullable(
  t.Object({
    previous_job_id: t.String({ description: "The job compared with." }),
    previous_completed_at: nullableString("When that job completed (ISO 8601); null if unknown."),
    products_added: changeList(t.String(), "Products new since then; examples are handles."),
    products_removed: changeList(t.String(), "Products gone since then; examples are handles."),
    price_changes: t.Object(
      {
        count: count("Variants whose price differs."),
        examples: t.Array(priceChange, { description: "The first 10 of them, by product id." }),
        increased: count("Variants whose price went up."),
        decreased: count("Variants whose price went down."),
      },
      { description: "Variants whose known price differs (compared by variant id)." },
    ),
    restocks: changeList(variantRef, "Variants unavailable before and available now."),
    sell_outs: changeList(variantRef, "Variants available before and unavailable now."),
  }),
  "The catalog compared with the previous completed job of the same domain; null when none.",
);

const seoArea = oneOf(["seo", "content", "catalog"], "The area the check scores in.");
const severity = oneOf(["error", "warning", "notice"], "Weight 3, 2 or 1 in the area's score.");
const checkFields = {
  id: t.String({ description: "Check id; docs/seo.md lists each rule." }),
  area: seoArea,
  severity,
  checked: count("Items the check looked at (pages, images, products, variants, …)."),
  count: count("Items with the problem."),
};

const seo = t.Object(
  {
    scores: t.Object(
      {
        seo: nullableNumber("0–100; null when no check of the area looked at anything."),
        content: nullableNumber("0–100; null when no check of the area looked at anything."),
        catalog: nullableNumber("0–100; null when no check of the area looked at anything."),
      },
      { description: "Score per area: the severity-weighted share of items without problems." },
    ),
    findings: t.Array(
      t.Object(
        {
          ...checkFields,
          examples: t.Array(t.String(), {
            description: "Up to five failing items: URLs, handles or `handle (variant title)`.",
          }),
        },
        { description: "A check that found something." },
      ),
      { description: "Checks with a problem, errors first, then by count." },
    ),
    checks: t.Array(t.Object(checkFields, { description: "A check as it ran." }), {
      description: "Every check that ran, zero counts included, so scores can be recomputed.",
    }),
    not_checked: t.Array(
      t.Object(
        {
          id: t.String({ description: "The check left out (`pages` for the whole sample)." }),
          reason: t.String({ description: "Why it could not run fairly." }),
        },
        { description: "A check left out." },
      ),
      { description: "Checks left out and why." },
    ),
    sampled_pages: count("Store pages sampled by the pagespeed step; 0 without a sample."),
  },
  { description: "SEO and content findings with a score per area (docs/seo.md)." },
);

/** `insights` of a job: null until the insights step has run. */
export const insightsSchema = nullable(
  t.Object(
    {
      top_vendors: ranked("name", "Vendor.", "Vendors by product count, at most 10."),
      price_range: nullable(
        t.Object({
          min: t.Number({ description: "Lowest variant price." }),
          max: t.Number({ description: "Highest variant price." }),
          avg: t.Number({ description: "Mean variant price, rounded half up to 2 decimals." }),
        }),
        "Over every variant price, in `currency`'s major unit; null when nothing is priced.",
      ),
      product_types: ranked("type", "Product type.", "Every non-blank product type by count."),
      currency: nullableString("ISO 4217 code of the prices, from `shop_meta.currency`."),
      product_count: count("Products in the catalog."),
      variant_count: count("Variants of those products."),
      tags: ranked("tag", "Tag.", "The 20 tags most products carry."),
      availability: t.Object(
        {
          variants_available: count("Variants whose `available` is true."),
          variants_total: count("Variants whose availability is known."),
          variants_unknown: count("Variants without an `available` flag, left out of `share`."),
          share: share("`variants_available / variants_total`, rounded to 4 decimals."),
          products_available: count("Products with at least one available variant."),
        },
        { description: "What can be bought now, from the storefront's `available` flags." },
      ),
      discounts: t.Object(
        {
          count: count("Variants whose `compare_at_price` is above their `price`."),
          share: share("`count` over every variant, rounded to 4 decimals."),
          avg_percent: nullableNumber("Mean percent off of those; null when none."),
          max_percent: nullableNumber("Deepest percent off; null when none."),
        },
        { description: "Variants sold below their compare-at price." },
      ),
      variants: t.Object(
        {
          min_per_product: count("Fewest variants of a product; 0 for an empty catalog."),
          median_per_product: t.Number({ description: "Median variants per product." }),
          max_per_product: count("Most variants of a product; 0 for an empty catalog."),
          option_names: ranked("name", "Option name.", "Option names by how many use them."),
        },
        { description: "How products are split into variants." },
      ),
      price_histogram: t.Array(
        t.Object({
          from: t.Number({ description: "Lower edge, included." }),
          to: t.Number({ description: "Upper edge, excluded except in the last bucket." }),
          count: count("Variant prices in the bucket."),
        }),
        {
          description:
            "Variant prices in 10 equal-width buckets; one if all are equal, none if none priced.",
        },
      ),
      published: t.Object(
        {
          as_of: t.String({ description: "When the windows end: the job's creation." }),
          last_30_days: count("Products published in the 30 days up to `as_of`."),
          last_90_days: count("Products published in the 90 days up to `as_of`."),
        },
        { description: "Products published recently." },
      ),
      changes,
      seo,
    },
    { description: "Catalog insights; prices computed on exact decimals over every variant." },
  ),
  "Catalog insights and SEO findings; null until the insights step has run.",
);
