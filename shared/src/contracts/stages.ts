import { z } from "zod";

/** Pipeline stages in the order a job runs them. Each is one work-queue subject. */
export const stages = [
  "sitemap",
  "audit",
  "indexing",
  "pagespeed",
  "insights",
  "export",
  "notify",
] as const;
export const stageSchema = z.enum(stages);
export type Stage = z.infer<typeof stageSchema>;

/** The service that owns each stage. Services never call each other; they consume stages. */
export const stageOwner = {
  sitemap: "crawler",
  audit: "auditor",
  indexing: "crawler",
  pagespeed: "auditor",
  insights: "exporter",
  export: "exporter",
  notify: "exporter",
} as const satisfies Record<Stage, string>;

/** The stage after `stage`, or null after the last one. */
export function nextStage(stage: Stage): Stage | null {
  return stages[stages.indexOf(stage) + 1] ?? null;
}

/**
 * Steps as users see them (WebSocket `step`, stored step records). The indexing stage reports
 * three steps; every other stage is one step of its own name, except notify.
 */
export const steps = [
  "sitemap",
  "audit",
  "indexing-products",
  "indexing-collections",
  "indexing-pages",
  "pagespeed",
  "insights",
  "export",
  "notify-callbacks",
] as const;
export const stepSchema = z.enum(steps);
export type Step = z.infer<typeof stepSchema>;

/** The stage each step belongs to. */
export const stepStage = {
  sitemap: "sitemap",
  audit: "audit",
  "indexing-products": "indexing",
  "indexing-collections": "indexing",
  "indexing-pages": "indexing",
  pagespeed: "pagespeed",
  insights: "insights",
  export: "export",
  "notify-callbacks": "notify",
} as const satisfies Record<Step, Stage>;

/** Share of the whole job that each step represents; used to compute overall progress. */
export const stepWeights = {
  sitemap: 0.05,
  audit: 0.1,
  "indexing-products": 0.35,
  "indexing-collections": 0.15,
  "indexing-pages": 0.1,
  pagespeed: 0.05,
  insights: 0.05,
  export: 0.1,
  "notify-callbacks": 0.05,
} as const satisfies Record<Step, number>;

/** Overall progress (0..1) when `step` is `fraction` done and every earlier step is done. */
export function overallProgress(step: Step, fraction: number): number {
  const before = steps.slice(0, steps.indexOf(step));
  const done = before.reduce((sum, s) => sum + stepWeights[s], 0);
  const clamped = Math.min(1, Math.max(0, fraction));
  return Math.round((done + stepWeights[step] * clamped) * 1000) / 1000;
}
