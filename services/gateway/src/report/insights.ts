import type { Changes } from "./changes.ts";
import { type Bar, barChart } from "./charts.ts";
import { html, type Safe } from "./html.ts";

/** The `jobs.insights` fields the page shows; all optional, as older jobs lack the newer ones. */
export interface Insights {
  currency?: string | null;
  price_range?: { min: number; max: number; avg: number } | null;
  top_vendors?: Array<{ name: string; count: number }>;
  product_types?: Array<{ type: string; count: number }>;
  tags?: Array<{ tag: string; count: number }>;
  availability?: {
    variants_available: number;
    variants_total: number;
    share: number;
    products_available: number;
  };
  discounts?: {
    count: number;
    share: number;
    avg_percent: number | null;
    max_percent: number | null;
  };
  variant_count?: number;
  variants?: { min_per_product: number; median_per_product: number; max_per_product: number };
  price_histogram?: Array<{ from: number; to: number; count: number }>;
  published?: { last_30_days: number; last_90_days: number };
  changes?: Changes | null;
}

/** The insights section: price line, charts (vendors, types, prices, stock, discounts), tags. */
export function insightsSection(data: Insights): Safe {
  const vendors = (data.top_vendors ?? []).map((v) => ({ label: v.name, value: v.count }));
  const types = (data.product_types ?? []).map((t) => ({ label: t.type, value: t.count }));
  const buckets = (data.price_histogram ?? []).map((b) => ({
    label: `${b.from} – ${b.to}`,
    value: b.count,
  }));
  const currency = data.currency ? ` (${data.currency})` : "";
  return html`<section aria-labelledby="insights-h"><h2 id="insights-h">Insights</h2>
${priceLine(data)}
${catalogLine(data)}
${barChart("chart-vendors", "Top vendors", vendors)}
${barChart("chart-types", "Product types", types)}
${barChart("chart-prices", `Variants by price${currency}`, buckets)}
${availability(data)}
${discounts(data)}
${tagList(data.tags ?? [])}</section>`;
}

function priceLine(data: Insights): Safe {
  const range = data.price_range;
  if (!range) return html``;
  return html`<p>Prices from <strong>${range.min}</strong> to <strong>${range.max}</strong>,
average <strong>${range.avg}</strong> ${data.currency ?? ""}</p>`;
}

function catalogLine(data: Insights): Safe {
  const v = data.variants;
  const p = data.published;
  const spread = v
    ? html`${v.min_per_product}–${v.max_per_product} variants per product
(median ${v.median_per_product}). `
    : "";
  const recent = p
    ? html`Published in the last 30 days: <strong>${p.last_30_days}</strong> products;
last 90 days: <strong>${p.last_90_days}</strong>.`
    : "";
  return v || p ? html`<p>${spread}${recent}</p>` : html``;
}

function availability(data: Insights): Safe {
  const a = data.availability;
  if (!a) return html``;
  const bars: Bar[] = [
    { label: "Available variants", value: a.variants_available },
    { label: "Unavailable variants", value: a.variants_total - a.variants_available },
  ];
  return html`${barChart("chart-availability", "Availability", bars)}
<p>${percent(a.share)} of variants available;
${a.products_available} products have at least one available variant.</p>`;
}

function discounts(data: Insights): Safe {
  const d = data.discounts;
  if (!d) return html``;
  const bars: Bar[] = [
    { label: "Discounted variants", value: d.count },
    { label: "Full-price variants", value: Math.max(0, (data.variant_count ?? 0) - d.count) },
  ];
  const depth =
    d.avg_percent === null
      ? html``
      : html` Average discount ${d.avg_percent}%, deepest ${d.max_percent}%.`;
  return html`${barChart("chart-discounts", "Discounts (compare-at price above price)", bars)}
<p>${percent(d.share)} of variants discounted.${depth}</p>`;
}

function tagList(tags: Array<{ tag: string; count: number }>): Safe {
  if (tags.length === 0) return html`<p class="muted">No tags.</p>`;
  return html`<h3>Top tags</h3><ul id="tags" class="tags">${tags.map(
    (t) => html`<li>${t.tag} <span class="muted">${t.count}</span></li>`,
  )}</ul>`;
}

/** A 0–1 share as a percentage with at most two decimals ("83.33%"). */
function percent(share: number): string {
  return `${Math.round(share * 10_000) / 100}%`;
}
