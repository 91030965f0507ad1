/** Lighthouse category scores, 0–100; null when the run did not include the category. */
export interface PsiScores {
  performance: number | null;
  accessibility: number | null;
  best_practices: number | null;
  seo: number | null;
}

/** Lab metrics; times in milliseconds, CLS unitless; null when the run lacks the metric. */
export interface PsiMetrics {
  lcp_ms: number | null;
  cls: number | null;
  tbt_ms: number | null;
  fcp_ms: number | null;
  speed_index_ms: number | null;
}

/** Chrome UX Report data for a page or origin: a percentile and category per metric. */
export interface PsiFieldData {
  overall_category: string | null;
  metrics: Record<string, { percentile: number; category: string | null }>;
}

/** What one successful PSI answer says about one page and strategy. */
export interface PsiReading {
  scores: PsiScores;
  metrics: PsiMetrics;
  /** Real-user data for the URL (`page`) and its origin; null when Google has none. */
  field: { page: PsiFieldData | null; origin: PsiFieldData | null } | null;
  lighthouse_version: string | null;
  form_factor: string | null;
}

type Json = Record<string, unknown>;

const categoryIds = {
  performance: "performance",
  accessibility: "accessibility",
  best_practices: "best-practices",
  seo: "seo",
} as const;

/** Audit id, and the key of the same value in the `metrics` audit's summary item. */
const metricSources = {
  lcp_ms: ["largest-contentful-paint", "largestContentfulPaint"],
  cls: ["cumulative-layout-shift", "cumulativeLayoutShift"],
  tbt_ms: ["total-blocking-time", "totalBlockingTime"],
  fcp_ms: ["first-contentful-paint", "firstContentfulPaint"],
  speed_index_ms: ["speed-index", "speedIndex"],
} as const;

/**
 * Reads a PSI v5 `runPagespeed` body. Returns the Lighthouse runtime error message instead
 * when the run failed, so the caller records the page as failed. Absent values stay null.
 */
export function readPsiResponse(body: unknown): PsiReading | { error: string } {
  const lighthouse = record(record(body).lighthouseResult);
  const runtimeError = record(lighthouse.runtimeError);
  if (typeof runtimeError.code === "string" && runtimeError.code !== "NO_ERROR") {
    return { error: `Lighthouse ${runtimeError.code}: ${String(runtimeError.message ?? "")}` };
  }
  if (!lighthouse.audits) return { error: "PageSpeed answer without a Lighthouse result" };
  const settings = record(lighthouse.configSettings);
  return {
    scores: readScores(record(lighthouse.categories)),
    metrics: readMetrics(record(lighthouse.audits)),
    field: readField(record(body)),
    lighthouse_version: text(lighthouse.lighthouseVersion),
    form_factor: text(settings.formFactor) ?? text(settings.emulatedFormFactor),
  };
}

function readScores(categories: Json): PsiScores {
  const score = (id: string) => {
    const value = record(categories[id]).score;
    return typeof value === "number" ? Math.round(value * 100) : null;
  };
  return {
    performance: score(categoryIds.performance),
    accessibility: score(categoryIds.accessibility),
    best_practices: score(categoryIds.best_practices),
    seo: score(categoryIds.seo),
  };
}

/**
 * Each metric's `numericValue`. Lighthouse before 5 (2019 answers) has none on the audits but
 * lists the same measured values in the `metrics` audit's summary, which is read instead.
 */
function readMetrics(audits: Json): PsiMetrics {
  const items = record(record(audits.metrics).details).items;
  const summary = record(Array.isArray(items) ? items[0] : null);
  const metric = ([auditId, summaryKey]: readonly [string, string]) =>
    num(record(audits[auditId]).numericValue) ?? num(summary[summaryKey]);
  return {
    lcp_ms: metric(metricSources.lcp_ms),
    cls: metric(metricSources.cls),
    tbt_ms: metric(metricSources.tbt_ms),
    fcp_ms: metric(metricSources.fcp_ms),
    speed_index_ms: metric(metricSources.speed_index_ms),
  };
}

function readField(body: Json): PsiReading["field"] {
  const page = readExperience(body.loadingExperience);
  const origin = readExperience(body.originLoadingExperience);
  return page || origin ? { page, origin } : null;
}

/** A `loadingExperience` with at least one metric; Google sends an empty one for rare URLs. */
function readExperience(value: unknown): PsiFieldData | null {
  const experience = record(value);
  const metrics: PsiFieldData["metrics"] = {};
  for (const [name, raw] of Object.entries(record(experience.metrics))) {
    const percentile = num(record(raw).percentile);
    if (percentile !== null) metrics[name] = { percentile, category: text(record(raw).category) };
  }
  if (Object.keys(metrics).length === 0) return null;
  return { overall_category: text(experience.overall_category), metrics };
}

function record(value: unknown): Json {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value ? value : null;
}
