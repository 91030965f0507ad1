import { headRow, html, type Safe } from "./html.ts";

/** `insights.seo` as the exporter writes it (see docs/seo.md); absent on older jobs. */
export interface SeoInsights {
  scores: Record<string, number | null>;
  findings: Array<{
    id: string;
    area: string;
    severity: string;
    count: number;
    checked: number;
    examples: string[];
  }>;
  not_checked?: Array<{ id: string; reason: string }>;
  sampled_pages?: number;
}

/** What each finding means, in words; an unknown id is shown as is. */
const LABELS: Record<string, string> = {
  page_fetch_failed: "Sampled URLs that did not answer with a page",
  title_missing: "Pages without a title",
  title_duplicate: "Pages sharing a title",
  description_missing: "Pages without a meta description",
  description_duplicate: "Pages sharing a meta description",
  canonical_missing: "Pages without a canonical link",
  canonical_mismatch: "Canonical links pointing elsewhere",
  noindex: "Pages marked noindex",
  product_jsonld_missing: "Product pages without JSON-LD Product data",
  jsonld_invalid: "Pages with invalid JSON-LD",
  image_alt_missing: "Images without alt text",
  product_description_empty: "Products without a description",
  product_description_thin: "Products with a thin description",
  product_without_images: "Products without images",
  variant_without_sku: "Variants without SKU",
  collection_empty: "Empty collections",
  product_not_in_sitemap: "Products missing from the sitemap",
  sitemap_product_not_in_catalog: "Sitemap products not in the catalog",
};

const AREAS: Array<[string, string]> = [
  ["seo", "SEO"],
  ["content", "Content"],
  ["catalog", "Catalog"],
];

/** How many examples a row shows. */
const SHOWN = 3;

/** The "SEO and content" section: a score per area, then each finding worst first. */
export function seoSection(seo: SeoInsights | null | undefined): Safe {
  if (!seo?.scores) return html``;
  const sampled =
    seo.sampled_pages === undefined ? "" : html` over ${seo.sampled_pages} sampled pages`;
  return html`<section aria-labelledby="seo-h"><h2 id="seo-h">SEO and content</h2>
<ul class="cards" id="seo-scores">${AREAS.map(
    ([key, label]) =>
      html`<li><span class="big">${seo.scores[key] ?? "—"}</span> ${label} score</li>`,
  )}</ul>
<p class="muted">Scores are 0–100: the weighted share of items without each problem,
catalog-wide and${sampled}.</p>
${findingsTable(seo.findings)}
${notChecked(seo.not_checked ?? [])}</section>`;
}

function findingsTable(findings: SeoInsights["findings"]): Safe {
  if (findings.length === 0) return html`<p>No problems found.</p>`;
  return html`<table id="seo-findings">${headRow(["Severity", "Finding", "Count", "Examples"])}
<tbody>${findings.map(
    (f) => html`<tr id="seo-${f.id}"><td>${f.severity}</td><td>${LABELS[f.id] ?? f.id}</td>
<td>${f.count} of ${f.checked}</td><td>${f.examples
      .slice(0, SHOWN)
      .map((e, i) => html`${i ? ", " : ""}<code>${e}</code>`)}</td></tr>`,
  )}</tbody></table>`;
}

function notChecked(list: Array<{ id: string; reason: string }>): Safe {
  if (list.length === 0) return html``;
  return html`<p class="muted">Not checked: ${list.map(
    (c, i) => html`${i ? "; " : ""}${LABELS[c.id] ?? c.id} (${c.reason})`,
  )}.</p>`;
}
