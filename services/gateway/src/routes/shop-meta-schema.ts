import { t } from "elysia";
import {
  count,
  nullable,
  nullableInteger,
  nullableString,
  oneOf,
  strings,
} from "./schema-helpers.ts";

/** One trace in the page that gave a detection away (docs/audit.md, "Detection"). */
const evidence = t.Object(
  {
    kind: oneOf(
      [
        "script_src",
        "request",
        "script",
        "html",
        "meta",
        "header",
        "cookie",
        "js",
        "dom",
        "url",
        "shop_param",
        "app_extension",
        "implied",
      ],
      "Where the trace was seen: a script URL, another request, script text, the HTML, a " +
        "meta tag, a header, a cookie, a global variable, a DOM element, the page address, a " +
        "`?shop=` script, a theme app extension asset, or implied by another detection.",
    ),
    value: t.String({
      description:
        "What matched: the URL, selector, global variable path, header, cookie or meta name, " +
        "or the matched text; at most 300 characters.",
    }),
    detail: t.Optional(
      t.String({
        description:
          "What was found there when it helps: a header, cookie or meta value, a global's " +
          "value, `shop=<myshopify domain>`, `extension <id>`, `xhr`.",
      }),
    ),
  },
  { description: "One trace of the detection in the page." },
);

/** An app or technology found in the page. */
const detection = t.Object(
  {
    name: t.String({ description: "Name in the fingerprint data set, or the app's handle." }),
    categories: strings(
      "Category names from the data set, e.g. `Reviews`; `Shopify apps` for an app known " +
        "only from Shopify's traces.",
    ),
    version: nullableString("Version, when a pattern or the app's asset folder carries one."),
    confidence: t.Number({
      minimum: 0,
      maximum: 100,
      description: "Sum of the matched patterns' confidences, capped at 100.",
    }),
    evidence: t.Array(evidence, {
      description: "Up to five traces that matched, so a person can check the detection.",
    }),
  },
  { description: "A detected app or technology with its evidence." },
);

/** A request the rendered page made, and what became of it. */
const pageRequest = t.Object(
  {
    url: t.String({ description: "Requested URL, cut to 300 characters." }),
    type: t.String({
      description:
        "The browser's resource type: `document`, `script`, `stylesheet`, `image`, `xhr`, " +
        "`fetch`, `ping`, `websocket`, …",
    }),
    outcome: oneOf(
      ["store", "fetched", "blocked", "failed"],
      "`store`: served by the store; `fetched`: another host, fetched through the address " +
        "guard; `blocked`: not allowed to leave the machine; `failed`: the fetch failed.",
    ),
    status: nullableInteger("HTTP status of the answer; null when there was none."),
  },
  { description: "One request of the rendered page." },
);

const page = t.Object(
  {
    url: t.String({ description: "The address read (after redirects)." }),
    globals_source: oneOf(
      ["window", "html"],
      "Where `Shopify.*` was read: the running page's `window`, or the HTML's inline script.",
    ),
    scripts: strings(
      "Script URLs: `<script src>`, Shopify's `asyncLoad` list and, in browser mode, every " +
        "script requested; at most 100.",
    ),
    requests: t.Array(pageRequest, {
      description: "Browser mode: every request of the page, refused ones too; at most 150.",
    }),
    request_counts: t.Object(
      {
        store: count("Requests served by the store."),
        fetched: count("Requests to other hosts, fetched through the address guard."),
        blocked: count("Requests refused."),
        failed: count("Requests that failed or timed out."),
        over_limit: count("Requests refused because the page made more than 300."),
      },
      { description: "Requests of the page per outcome." },
    ),
    load_timed_out: t.Boolean({ description: "The page was read before `load` fired." }),
    timings: nullable(
      t.Object({
        load_ms: t.Number({ description: "Time until the page's `load` event, ms." }),
        total_ms: t.Number({ description: "Time of the whole rendering, ms." }),
      }),
      "Rendering times (browser mode); null in static mode.",
    ),
  },
  { description: "What the home page loaded." },
);

const domains = {
  primary_domain: t.String({
    description: "`/meta.json` `domain`, else the host the home page was served from.",
  }),
  myshopify_domain: nullableString("`/meta.json`, else `Shopify.shop`; null when unknown."),
};

/** Before the audit: what the sitemap step learnt of the store's identity. */
const storeIdentity = t.Object(domains, {
  description: "Only the store's domains, stored by the sitemap step before the audit ran.",
});

/** `shop_meta` once the audit ran; docs/audit.md describes every field. */
const auditedShopMeta = t.Object(
  {
    shop_name: nullableString("`/meta.json` `name`, else `og:site_name`, else the `<title>`."),
    currency: nullableString("ISO 4217: `/meta.json`, else `Shopify.currency.active`."),
    theme_name: nullableString("`Shopify.theme.name`, the merchant's (renamable) name."),
    theme_id: nullableInteger("`Shopify.theme.id`."),
    detected_apps: strings("The names of `apps`, in the same order."),
    ...domains,
    theme_schema_name: nullableString(
      "`Shopify.theme.schema_name`: the theme as its author named it (`Dawn`).",
    ),
    theme_schema_version: nullableString("`Shopify.theme.schema_version`."),
    theme_store_id: nullableInteger("`Shopify.theme.theme_store_id`; null for custom themes."),
    theme_role: nullableString("`Shopify.theme.role` (`main` for the published theme)."),
    locale: nullableString("`Shopify.locale`."),
    locales: strings("Languages of the page's `hreflang` alternates, else `[locale]`."),
    country: nullableString("`Shopify.country`, else `/meta.json`."),
    published_products_count: nullableInteger("`/meta.json`; null when it is not served."),
    apps: t.Array(detection, {
      description: "Third-party apps and services, sorted by name.",
    }),
    technologies: t.Array(detection, {
      description: "The platform, libraries, CDNs, payment methods and page features.",
    }),
    shopify_signals: strings(
      "The server's proof of a Shopify storefront: `header:x-shopid`, " +
        "`header:x-shopify-stage`, `header:powered-by`, `cookie:_shopify`.",
    ),
    withheld_apps: strings("Shopify-only matches left out because that proof is missing."),
    audit_mode: oneOf(["browser", "static"], "How the page was read."),
    audit_mode_reason: nullableString("Why static mode was used; null in browser mode."),
    page,
    screenshot: nullableString("`screenshot.png` when one was stored; null without a browser."),
    fingerprints: t.String({ description: "The fingerprint data set and version used." }),
  },
  { description: "What the audit learnt of the store." },
);

/** `shop_meta` of a job: null before the sitemap step, identity only until the audit. */
export const shopMetaSchema = t.Union([auditedShopMeta, storeIdentity, t.Null()], {
  description:
    "The store audit (docs/audit.md): null before the sitemap step, then only the store's " +
    "domains until the audit step has run.",
});
