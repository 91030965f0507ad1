import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jobs } from "@shopsniffer/shared/db/schema";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { modeInterceptor, requestLog } from "@shopsniffer/shared/storefront/safety-modes";
import { eq } from "drizzle-orm";
import type { CrawlerDeps } from "../src/context.ts";
import { runIndexingStage } from "../src/indexing/stage.ts";
import { runSitemapStage } from "../src/sitemap/stage.ts";
import { type Harness, startHarness } from "./harness.ts";
import { jobCounts, stepRecord } from "./rows.ts";

const PRIMARY = "primary.shopsniffer.test";
const CUSTOM = "custom.shopsniffer.test";
const COUNTRY = "ca.shopsniffer.test";
const store = generateDemoStore({ productCount: 80, seed: 7, domain: PRIMARY });
const log = requestLog(
  modeInterceptor([
    { kind: "redirect", host: CUSTOM, to: `https://${PRIMARY}`, status: 301 },
    { kind: "redirect", host: COUNTRY, to: `https://${PRIMARY}`, status: 302 },
  ]),
);
let h: Harness;
let deps: CrawlerDeps;

beforeAll(async () => {
  h = await startHarness({ store }, PRIMARY, { intercept: log.intercept });
  const origins = new Map([CUSTOM, COUNTRY, PRIMARY].map((host) => [host, h.storefront.origin]));
  deps = { ...h.deps, fetchStore: createStoreFetcher({ origins, timeoutMs: 10_000 }) };
});
afterAll(async () => {
  await h?.stop();
});

describe("a store reached through its custom domain", () => {
  test("is crawled on its primary domain, asking the old one only once per stage", async () => {
    const jobId = await h.createJob(CUSTOM);
    await runSitemapStage(deps, await h.stageRun(jobId, "sitemap"));
    await runIndexingStage(deps, await h.stageRun(jobId, "indexing"));
    const counts = await jobCounts(h.deps.svc.db, jobId);
    expect(counts.products).toBe(80);
    expect(counts.sitemap.product).toBe(80);
    const step = await stepRecord(h.deps.svc.db, jobId, "indexing-products");
    expect(step?.detail).toMatchObject({ outcome: "complete", products: 80 });
    const onCustom = log.entries.filter((entry) => entry.host === CUSTOM).map((e) => e.path);
    // One request per stage (each stage has its own session); the rest go to the primary.
    expect(onCustom).toHaveLength(2);
    expect(onCustom[0]).toBe("/sitemap.xml");
    expect(log.entries.filter((entry) => entry.host === PRIMARY).length).toBeGreaterThan(10);
  }, 30_000);

  test("the job's shop_meta names the primary and the myshopify domain", async () => {
    const identity = { primary_domain: PRIMARY, myshopify_domain: store.shop.myshopify_domain };
    for (const domain of [CUSTOM, COUNTRY]) {
      const jobId = await h.createJob(domain);
      await runSitemapStage(deps, await h.stageRun(jobId, "sitemap"));
      const job = await h.deps.svc.db.db.query.jobs.findFirst({ where: eq(jobs.id, jobId) });
      expect(job?.domain).toBe(domain);
      expect(job?.shopMeta).toEqual(identity);
    }
  }, 30_000);
});
