import type { Db } from "@shopsniffer/shared/db/client";
import { jobSteps } from "@shopsniffer/shared/db/schema";
import type { JobRow } from "@shopsniffer/shared/jobs/state";
import { eq } from "drizzle-orm";
import { catalogChecks } from "./seo-catalog.ts";
import { pageChecks, type SampledPage } from "./seo-pages.ts";
import {
  areaScore,
  type SeoArea,
  type SeoCheck,
  type SeoSkippedCheck,
  seoAreas,
} from "./seo-score.ts";

/** A check that found something: what `findings` lists, worst first. */
export type SeoFinding = SeoCheck;

/**
 * `insights.seo`: catalog-wide SEO and content findings with a score per area. `checks`
 * lists every check that ran (with zero counts too), so a score can be recomputed;
 * `findings` only those with a problem. Rules: docs/seo.md.
 */
export interface SeoInsights {
  scores: Record<SeoArea, number | null>;
  findings: SeoFinding[];
  checks: Array<Pick<SeoCheck, "id" | "area" | "severity" | "checked" | "count">>;
  not_checked: SeoSkippedCheck[];
  /** Pages the auditor sampled (each answered or not); 0 when there was no sample. */
  sampled_pages: number;
}

const SEVERITY_ORDER = { error: 0, warning: 1, notice: 2 } as const;

/** Computes the SEO insights of a job from its stored catalog, sitemap and page sample. */
export async function computeSeoInsights(
  handle: Db,
  job: Pick<JobRow, "id" | "domain" | "shopMeta">,
): Promise<SeoInsights> {
  const details = await stepDetails(handle, job.id);
  const sitemapTruncated = details.get("sitemap")?.truncated === true;
  const collectionsSource = details.get("indexing-collections")?.source;
  const catalog = await catalogChecks(handle, job.id, {
    sitemapTruncated,
    collectionListsUnreliable: collectionsSource === "sitemap",
  });
  const sample = samplePages(details.get("pagespeed"));
  const notChecked = [...catalog.skipped];
  if (sample.length === 0) {
    notChecked.push({ id: "pages", reason: "no store pages were sampled for this job" });
  }
  const checks = [...pageChecks(sample, storeHosts(job)), ...catalog.checks];
  const scores = Object.fromEntries(
    seoAreas.map((area) => [area, areaScore(checks, area)]),
  ) as Record<SeoArea, number | null>;
  return {
    scores,
    findings: checks
      .filter((c) => c.count > 0)
      .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.count - a.count),
    checks: checks.map(({ id, area, severity, checked, count }) => ({
      id,
      area,
      severity,
      checked,
      count,
    })),
    not_checked: notChecked,
    sampled_pages: sample.length,
  };
}

async function stepDetails(handle: Db, jobId: string) {
  const rows = await handle.db
    .select({ step: jobSteps.step, detail: jobSteps.detail })
    .from(jobSteps)
    .where(eq(jobSteps.jobId, jobId));
  return new Map(rows.map((r) => [r.step, r.detail ?? {}]));
}

function samplePages(detail: Record<string, unknown> | undefined): SampledPage[] {
  const sample = detail?.seo_sample as { pages?: unknown } | undefined;
  if (!Array.isArray(sample?.pages)) return [];
  return sample.pages.filter(
    (p): p is SampledPage =>
      typeof p === "object" && p !== null && typeof (p as SampledPage).url === "string",
  );
}

/** Hosts a canonical link may point to: the job's domain, the primary domain, www or not. */
function storeHosts(job: Pick<JobRow, "domain" | "shopMeta">): string[] {
  const primary = job.shopMeta?.primary_domain;
  const names = [job.domain, typeof primary === "string" ? primary : ""].filter(Boolean);
  return names.flatMap((n) => [n, n.startsWith("www.") ? n.slice(4) : `www.${n}`]);
}
