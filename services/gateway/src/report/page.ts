import { isoNow } from "@shopsniffer/shared/time";
import type { jobFiles, jobSteps, webhookCallbacks } from "@shopsniffer/shared/db/schema";
import type { JobRow } from "@shopsniffer/shared/jobs/state";
import { changesSection } from "./changes.ts";
import { pagespeedSection } from "./pagespeed.ts";
import { headRow, html, Safe } from "./html.ts";
import { type Insights, insightsSection } from "./insights.ts";
import { liveProgressScript } from "./live.ts";
import { type SeoInsights, seoSection } from "./seo.ts";
import { REPORT_STYLE } from "./style.ts";

/** Everything the report page shows about one job. */
export interface ReportData {
  job: JobRow;
  steps: Array<typeof jobSteps.$inferSelect>;
  files: Array<Pick<typeof jobFiles.$inferSelect, "key" | "sizeBytes" | "expiresAt" | "purgedAt">>;
  callbacks: Array<typeof webhookCallbacks.$inferSelect>;
}

/** The `shop_meta` fields the page shows; all optional, as an audit may find none. */
interface Meta {
  shop_name?: string | null;
  primary_domain?: string | null;
  myshopify_domain?: string | null;
  theme_name?: string | null;
  theme_id?: number | null;
  theme_schema_name?: string | null;
  theme_schema_version?: string | null;
  currency?: string | null;
  country?: string | null;
  locale?: string | null;
  apps?: Array<{ name: string; category?: string; evidence?: unknown }>;
}

/** The whole report page: readable without JavaScript; live progress while the job runs. */
export function reportPage(data: ReportData): string {
  const { job } = data;
  const meta = (job.shopMeta ?? {}) as Meta;
  const insights = (job.insights ?? {}) as Insights;
  const running = job.status === "pending" || job.status === "processing";
  const title = `${meta.shop_name ?? job.domain} — ShopSniffer report`;
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style>${new Safe(REPORT_STYLE)}</style></head>
<body><main>
${header(job, meta)}
${running ? progress(job) : ""}
${job.status === "errored" ? failure(job) : ""}
${identity(job, meta)}
${screenshot(job, data.files)}
${counts(job)}
${insightsSection(insights)}
${changesSection(insights.changes)}
${seoSection((job.insights as { seo?: SeoInsights } | null)?.seo)}
${apps(meta)}
${pagespeedSection(data.steps)}
${stepsTable(data.steps)}
${downloads(job, data.files)}
${notifications(data.callbacks)}
</main>
${running ? html`<script>${new Safe(liveProgressScript(job.id))}</script>` : ""}
</body></html>`.markup;
}

function header(job: JobRow, meta: Meta): Safe {
  return html`<header><h1>${meta.shop_name ?? job.domain}</h1>
<p><a href="https://${job.domain}/">${job.domain}</a>
<span class="status status-${job.status}">${job.status}</span></p>
<p class="muted">Job ${job.id} · created ${job.createdAt}${
    job.completedAt ? html` · completed ${job.completedAt}` : ""
  }</p></header>`;
}

function progress(job: JobRow): Safe {
  return html`<section aria-labelledby="progress-h"><h2 id="progress-h">Progress</h2>
<progress id="progress" max="1" value="${job.progress / 1000}"></progress>
<p id="progress-step" aria-live="polite">${job.currentStep ?? "queued"}</p></section>`;
}

function failure(job: JobRow): Safe {
  return html`<section aria-labelledby="error-h" class="error"><h2 id="error-h">Failed</h2>
<p>At step <strong>${job.errorStep}</strong> after ${job.errorAttempts} attempt(s):
${job.errorMessage}</p></section>`;
}

function identity(job: JobRow, meta: Meta): Safe {
  const rows: Array<[string, unknown]> = [
    ["Shop", meta.shop_name],
    ["Primary domain", meta.primary_domain ?? job.domain],
    ["myshopify domain", meta.myshopify_domain],
    ["Theme", meta.theme_name],
    ["Theme id", meta.theme_id],
    ["Theme schema", [meta.theme_schema_name, meta.theme_schema_version].filter(Boolean).join(" ")],
    ["Currency", meta.currency],
    ["Country / locale", [meta.country, meta.locale].filter(Boolean).join(" / ")],
  ];
  return html`<section aria-labelledby="store-h"><h2 id="store-h">Store</h2><table><tbody>${rows.map(
    ([k, v]) => html`<tr><th scope="row">${k}</th><td>${v === "" || v == null ? "—" : v}</td></tr>`,
  )}</tbody></table></section>`;
}

function counts(job: JobRow): Safe {
  const cards: Array<[string, number]> = [
    ["Products", job.productCount],
    ["Collections", job.collectionCount],
    ["Pages", job.pageCount],
  ];
  return html`<section aria-labelledby="counts-h"><h2 id="counts-h">Catalog</h2>
<ul class="cards">${cards.map(
    ([label, n]) => html`<li><span class="big">${n.toLocaleString("en")}</span> ${label}</li>`,
  )}</ul></section>`;
}

function apps(meta: Meta): Safe {
  const list = meta.apps ?? [];
  if (list.length === 0) return html``;
  return html`<section aria-labelledby="apps-h"><h2 id="apps-h">Apps</h2><table>
${headRow(["App", "Category", "Evidence"])}
<tbody>${list.map(
    (a) =>
      html`<tr><td>${a.name}</td><td>${a.category ?? ""}</td>
<td><code>${evidence(a.evidence)}</code></td></tr>`,
  )}</tbody></table></section>`;
}

function evidence(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? "");
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

function stepsTable(steps: ReportData["steps"]): Safe {
  if (steps.length === 0) return html``;
  return html`<section aria-labelledby="steps-h"><h2 id="steps-h">Steps</h2><table>
${headRow(["Step", "Status", "Attempts", "Time", "Note"])}
<tbody>${steps.map(
    (s) => html`<tr><td>${s.step}</td><td>${s.status}</td><td>${s.attempts}</td>
<td>${s.durationMs == null ? "" : `${s.durationMs} ms`}</td><td>${note(s)}</td></tr>`,
  )}</tbody></table></section>`;
}

function note(step: ReportData["steps"][number]): string {
  const detail = step.detail ?? {};
  return step.error ?? (typeof detail.reason === "string" ? detail.reason : "");
}

/** The audit's home page screenshot, while its file is kept. */
function screenshot(job: JobRow, files: ReportData["files"]): Safe {
  const file = files.find((f) => f.key === "screenshot.png");
  const now = isoNow();
  if (!file || file.purgedAt !== null || (file.expiresAt !== null && file.expiresAt <= now)) {
    return html``;
  }
  const src = `/api/downloads?jobId=${job.id}&key=screenshot.png`;
  return html`<section aria-labelledby="shot-h"><h2 id="shot-h">Home page</h2>
<img src="${src}" alt="Screenshot of the store's home page" width="640" height="400"
loading="lazy"></section>`;
}

function downloads(job: JobRow, files: ReportData["files"]): Safe {
  if (files.length === 0) return html``;
  const link = (key: string) => `/api/downloads?jobId=${job.id}&key=${encodeURIComponent(key)}`;
  const now = isoNow();
  const expired = (f: ReportData["files"][number]) =>
    f.purgedAt !== null || (f.expiresAt !== null && f.expiresAt <= now);
  const item = (f: ReportData["files"][number]) =>
    expired(f)
      ? html`<li>${f.key} <span class="muted">expired</span></li>`
      : html`<li><a href="${link(f.key)}" download>${f.key}</a>
<span class="muted">${f.sizeBytes.toLocaleString("en")} bytes</span></li>`;
  return html`<section aria-labelledby="downloads-h"><h2 id="downloads-h">Downloads</h2>
<ul>${files.map(item)}</ul></section>`;
}

function notifications(callbacks: ReportData["callbacks"]): Safe {
  if (callbacks.length === 0) return html``;
  return html`<section aria-labelledby="notify-h"><h2 id="notify-h">Notifications</h2><ul>${callbacks.map(
    (c) =>
      html`<li>${c.kind}: ${c.status} after ${c.attempts} attempt(s)${
        c.lastError ? html` — ${c.lastError}` : ""
      }</li>`,
  )}</ul></section>`;
}
