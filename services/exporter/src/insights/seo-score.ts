/** The areas a finding belongs to; each gets a score. See docs/seo.md for every rule. */
export const seoAreas = ["seo", "content", "catalog"] as const;
export type SeoArea = (typeof seoAreas)[number];

export type SeoSeverity = "error" | "warning" | "notice";

/** How much a check weighs in its area's score, by severity. */
export const SEVERITY_WEIGHT: Record<SeoSeverity, number> = { error: 3, warning: 2, notice: 1 };

/** Examples kept per finding. */
export const SEO_EXAMPLES = 5;

/** One check as run: how many items it looked at and how many failed. */
export interface SeoCheck {
  id: string;
  area: SeoArea;
  severity: SeoSeverity;
  /** Items looked at (pages, images, products, variants, collections or sitemap URLs). */
  checked: number;
  /** Items with the problem. */
  count: number;
  /** Up to `SEO_EXAMPLES` of them: URLs, handles or image URLs. */
  examples: string[];
}

/** A check that could not run, and why (e.g. the sitemap was truncated). */
export interface SeoSkippedCheck {
  id: string;
  reason: string;
}

/**
 * An area's score, 0–100: 100 × the weighted mean, over the area's checks that looked at
 * something, of the share of items without the problem; weights by severity. Null when no
 * check of the area had anything to look at.
 */
export function areaScore(checks: SeoCheck[], area: SeoArea): number | null {
  let weights = 0;
  let sum = 0;
  for (const check of checks) {
    if (check.area !== area || check.checked === 0) continue;
    const weight = SEVERITY_WEIGHT[check.severity];
    weights += weight;
    sum += weight * (1 - Math.min(check.count, check.checked) / check.checked);
  }
  return weights === 0 ? null : Math.round((100 * sum) / weights);
}

/** Collects the failing items of one check, keeping the first few as examples. */
export class CheckCounter {
  checked = 0;
  count = 0;
  readonly examples: string[] = [];

  constructor(
    readonly id: string,
    readonly area: SeoArea,
    readonly severity: SeoSeverity,
  ) {}

  /** Counts one item looked at; `failed` with its example when it has the problem. */
  look(failed: boolean, example?: string): void {
    this.checked += 1;
    if (failed) this.fail(example);
  }

  /** Counts one failing item without counting it as looked at (it was counted already). */
  fail(example?: string): void {
    this.count += 1;
    if (example !== undefined && this.examples.length < SEO_EXAMPLES) this.examples.push(example);
  }

  result(): SeoCheck {
    const { id, area, severity, checked, count, examples } = this;
    return { id, area, severity, checked, count, examples };
  }
}
