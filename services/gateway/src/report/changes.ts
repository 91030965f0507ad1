import { html, type Safe } from "./html.ts";

interface VariantRef {
  handle: string;
  variant_id: number;
}

type List<T> = { count: number; examples: T[] };

/** `insights.changes` as the exporter writes it; null or absent when there was nothing before. */
export interface Changes {
  previous_job_id: string;
  previous_completed_at: string | null;
  products_added: List<string>;
  products_removed: List<string>;
  price_changes: List<VariantRef & { from: string; to: string }> & {
    increased: number;
    decreased: number;
  };
  restocks: List<VariantRef>;
  sell_outs: List<VariantRef>;
}

/** How many examples of each kind the page shows. */
const SHOWN = 3;

/** The "Changes" section: counts of each kind of change with a few examples; empty if none. */
export function changesSection(c: Changes | null | undefined): Safe {
  if (!c) return html``;
  const since = c.previous_completed_at ?? c.previous_job_id;
  const prices = c.price_changes;
  const rows: Array<[string, string, number, Safe[]]> = [
    ["added", "Products added", c.products_added.count, c.products_added.examples.map(handle)],
    [
      "removed",
      "Products removed",
      c.products_removed.count,
      c.products_removed.examples.map(handle),
    ],
    [
      "prices",
      `Price changes (${prices.increased} up, ${prices.decreased} down)`,
      prices.count,
      prices.examples.map((p) => html`<code>${p.handle}</code> ${p.from} → ${p.to}`),
    ],
    ["restocks", "Restocked variants", c.restocks.count, c.restocks.examples.map(variant)],
    ["sell-outs", "Sold-out variants", c.sell_outs.count, c.sell_outs.examples.map(variant)],
  ];
  return html`<section aria-labelledby="changes-h"><h2 id="changes-h">Changes</h2>
<p class="muted">Since the previous completed job
(<a href="/report/${c.previous_job_id}">${since}</a>).</p>
<table id="changes"><tbody>${rows.map(
    ([id, label, count, examples]) =>
      html`<tr id="changes-${id}"><th scope="row">${label}</th><td>${count}</td>
<td>${examples.slice(0, SHOWN).map((e, i) => html`${i ? ", " : ""}${e}`)}</td></tr>`,
  )}</tbody></table></section>`;
}

function handle(name: string): Safe {
  return html`<code>${name}</code>`;
}

function variant(ref: VariantRef): Safe {
  return html`<code>${ref.handle}</code> #${ref.variant_id}`;
}
