import type { jobSteps } from "@shopsniffer/shared/db/schema";
import { html, type Safe } from "./html.ts";

type StepRow = typeof jobSteps.$inferSelect;

/** One measured page as the auditor stores it in the `pagespeed` step's detail. */
interface PagespeedPage {
  kind: string;
  url: string;
  strategy: string;
  scores?: Record<string, number | null>;
  metrics?: Record<string, number | null>;
  error?: string;
}

const SCORES = ["performance", "accessibility", "best_practices", "seo"] as const;

/**
 * The PageSpeed section: each measured page and strategy with its four scores, LCP, CLS and
 * TBT, or why the step was skipped. Nothing is shown that was not measured.
 */
export function pagespeedSection(steps: StepRow[]): Safe {
  const step = steps.find((s) => s.step === "pagespeed");
  if (!step) return html``;
  const detail = step.detail ?? {};
  const pages = Array.isArray(detail.pages) ? (detail.pages as PagespeedPage[]) : [];
  const body =
    step.status === "skipped" || pages.length === 0
      ? html`<p class="muted">Not measured: ${String(detail.reason ?? step.status)}</p>`
      : table(pages);
  return html`<section aria-labelledby="pagespeed-h"><h2 id="pagespeed-h">PageSpeed</h2>
${body}</section>`;
}

function table(pages: PagespeedPage[]): Safe {
  return html`<table><thead><tr><th scope="col">Page</th><th scope="col">Strategy</th>
<th scope="col">Perf.</th><th scope="col">A11y</th><th scope="col">Best pr.</th>
<th scope="col">SEO</th><th scope="col">LCP</th><th scope="col">CLS</th>
<th scope="col">TBT</th></tr></thead><tbody>${pages.map(row)}</tbody></table>`;
}

function row(page: PagespeedPage): Safe {
  const head = html`<td><a href="${page.url}">${page.kind}</a></td><td>${page.strategy}</td>`;
  if (page.error) return html`<tr>${head}<td colspan="7">${page.error}</td></tr>`;
  const score = (name: string) => html`<td>${page.scores?.[name] ?? "—"}</td>`;
  const ms = (value: number | null | undefined) =>
    value == null ? "—" : `${Math.round(value).toLocaleString("en")} ms`;
  const cls = page.metrics?.cls;
  return html`<tr>${head}${SCORES.map(score)}<td>${ms(page.metrics?.lcp_ms)}</td>
<td>${cls == null ? "—" : cls.toFixed(3)}</td><td>${ms(page.metrics?.tbt_ms)}</td></tr>`;
}
