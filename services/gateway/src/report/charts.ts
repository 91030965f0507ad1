import { html, type Safe } from "./html.ts";

export interface Bar {
  label: string;
  value: number;
}

const ROW_HEIGHT = 26;
const LABEL_WIDTH = 190;
const BAR_WIDTH = 360;

/**
 * A horizontal bar chart as inline SVG (no script needed), with a title for screen readers
 * and the same numbers in a table below it.
 */
export function barChart(id: string, title: string, bars: Bar[]): Safe {
  if (bars.length === 0) return html`<p class="muted">No data for ${title.toLowerCase()}.</p>`;
  const max = Math.max(...bars.map((b) => b.value), 1);
  const height = bars.length * ROW_HEIGHT;
  const rows = bars.map((bar, i) => {
    const width = Math.max(2, Math.round((bar.value / max) * BAR_WIDTH));
    const y = i * ROW_HEIGHT;
    return html`<g class="bar"><title>${bar.label}: ${bar.value}</title>
<text x="${LABEL_WIDTH - 8}" y="${y + 17}" text-anchor="end">${truncate(bar.label)}</text>
<rect x="${LABEL_WIDTH}" y="${y + 4}" width="${width}" height="${ROW_HEIGHT - 8}" rx="3"></rect>
<text x="${LABEL_WIDTH + width + 6}" y="${y + 17}">${bar.value}</text></g>`;
  });
  const viewBox = `0 0 ${LABEL_WIDTH + BAR_WIDTH + 60} ${height}`;
  return html`<figure class="chart">
<svg id="${id}" role="img" aria-labelledby="${id}-title" viewBox="${viewBox}">
<title id="${id}-title">${title}</title>${rows}</svg>
<figcaption>${title}</figcaption>
<details><summary>Data</summary><table><tbody>${bars.map(
    (b) => html`<tr><th scope="row">${b.label}</th><td>${b.value}</td></tr>`,
  )}</tbody></table></details>
</figure>`;
}

function truncate(label: string): string {
  const text = label || "(none)";
  return text.length > 26 ? `${text.slice(0, 25)}…` : text;
}
