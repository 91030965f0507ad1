import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jobSteps, sitemapUrls } from "@shopsniffer/shared/db/schema";
import { toFailure } from "@shopsniffer/shared/errors";
import { bootService } from "@shopsniffer/shared/service";
import { createTestWorld, type TestWorld } from "@shopsniffer/shared/testing/env";
import { publishStage, runStages } from "@shopsniffer/shared/nats/stage-runner";
import { stageRunFor } from "@shopsniffer/shared/testing/stage-run";
import { eq } from "drizzle-orm";
import { type AuditorService, auditorConfigSchema } from "../src/config.ts";
import { createPagespeedProvider, type PagespeedProvider } from "../src/pagespeed/provider.ts";
import { pagespeedStage } from "../src/pagespeed/stage.ts";
import { insertJob } from "./helpers.ts";
import { psiFixture, psiFixturesPresent, startPsiServer } from "./psi-server.ts";

const HOST = "psi-shop.example.com";
const COLLECTION = `https://${HOST}/collections/summer`;
const PRODUCT = `https://${HOST}/products/cane-sugar`;

test("choosing psi without PSI_API_KEY is a config error naming it", () => {
  const result = auditorConfigSchema.safeParse({ PAGESPEED_PROVIDER: "psi" });
  expect(result.success).toBe(false);
  expect(result.error?.issues.map((i) => i.path.join("."))).toContain("PSI_API_KEY");
});

if (!psiFixturesPresent()) {
  console.warn("PSI replay tests skip: ../shared/fixtures/real/pagespeed/ is absent");
}
describe.skipIf(!psiFixturesPresent())("psi provider against replayed real answers", psiSuite);

function psiSuite() {
  let world: TestWorld;
  let svc: AuditorService;
  const psi = startPsiServer();

  beforeAll(async () => {
    world = await createTestWorld();
    svc = await bootService("auditor", auditorConfigSchema, {
      ...world.env,
      PAGESPEED_PROVIDER: "psi",
      PSI_API_KEY: "test-key",
      PSI_ENDPOINT: psi.endpoint,
      PSI_TIMEOUT_MS: "5000",
    });
  });
  afterAll(async () => {
    await svc.close();
    await world.stop();
    psi.stop();
  });

  /** Runs the pagespeed stage for a new job; `withCatalog` adds a collection and a product. */
  async function runStage(withCatalog: boolean, provider?: PagespeedProvider) {
    const job = await insertJob(svc, HOST);
    if (withCatalog) {
      await svc.db.write((db) =>
        db.insert(sitemapUrls).values([
          { jobId: job.id, url: COLLECTION, kind: "collection" },
          { jobId: job.id, url: PRODUCT, kind: "product" },
        ]),
      );
    }
    const stage = pagespeedStage(svc, provider ?? createPagespeedProvider(svc.config));
    await stage.handle(await stageRunFor(svc, job.id, "pagespeed", "pagespeed"));
    const [step] = await svc.db.db.select().from(jobSteps).where(eq(jobSteps.jobId, job.id));
    return step;
  }

  async function stageFailure() {
    return toFailure(
      await runStage(false).then(
        () => null,
        (error: unknown) => error,
      ),
    );
  }

  test("measures home, collection and product for both strategies", async () => {
    psi.state.mode = "replay";
    psi.state.queries.length = 0;
    const step = await runStage(true);
    expect(step?.status).toBe("completed");
    const pages = step?.detail?.pages as Array<Record<string, any>>;
    expect(step?.detail?.provider).toBe("psi");
    expect(pages.map((p) => `${p.kind} ${p.strategy}`).sort()).toEqual([
      "collection desktop",
      "collection mobile",
      "home desktop",
      "home mobile",
      "product desktop",
      "product mobile",
    ]);
    const first = psi.state.queries[0];
    expect(first?.get("key")).toBe("test-key");
    expect(first?.getAll("category")).toEqual([
      "performance",
      "accessibility",
      "best-practices",
      "seo",
    ]);
    expect(pages.find((p) => p.kind === "home")?.url).toBe(`https://${HOST}/`);
    expect(pages.find((p) => p.kind === "collection")?.url).toBe(COLLECTION);
  });

  test("a 2025 mobile answer gives its scores, metrics and field data", async () => {
    psi.state.mode = "replay";
    const step = await runStage(true);
    const pages = step?.detail?.pages as Array<Record<string, any>>;
    const home = pages.find((p) => p.kind === "home" && p.strategy === "mobile");
    const raw = psiFixture("mobile");
    const audits = raw.lighthouseResult.audits;
    expect(home?.scores).toEqual({
      performance: Math.round(raw.lighthouseResult.categories.performance.score * 100),
      accessibility: null,
      best_practices: null,
      seo: null,
    });
    expect(home?.metrics).toEqual({
      lcp_ms: audits["largest-contentful-paint"].numericValue,
      cls: audits["cumulative-layout-shift"].numericValue,
      tbt_ms: audits["total-blocking-time"].numericValue,
      fcp_ms: audits["first-contentful-paint"].numericValue,
      speed_index_ms: audits["speed-index"].numericValue,
    });
    expect(home?.lighthouse_version).toBe(raw.lighthouseResult.lighthouseVersion);
    expect(home?.form_factor).toBe("mobile");
    const lcp = raw.loadingExperience.metrics.LARGEST_CONTENTFUL_PAINT_MS;
    expect(home?.field.page.metrics.LARGEST_CONTENTFUL_PAINT_MS).toEqual({
      percentile: lcp.percentile,
      category: lcp.category,
    });
    expect(home?.field.origin.overall_category).toBe(raw.originLoadingExperience.overall_category);
  });

  test("a 2019 desktop answer keeps what Lighthouse 4 measured and nulls the rest", async () => {
    psi.state.mode = "replay";
    const step = await runStage(true);
    const pages = step?.detail?.pages as Array<Record<string, any>>;
    const home = pages.find((p) => p.kind === "home" && p.strategy === "desktop");
    const raw = psiFixture("desktop");
    const summary = raw.lighthouseResult.audits.metrics.details.items[0];
    expect(home?.scores.performance).toBe(
      Math.round(raw.lighthouseResult.categories.performance.score * 100),
    );
    expect(home?.scores.seo).toBeNull();
    expect(home?.metrics).toEqual({
      lcp_ms: null,
      cls: null,
      tbt_ms: null,
      fcp_ms: summary.firstContentfulPaint,
      speed_index_ms: summary.speedIndex,
    });
    expect(home?.lighthouse_version).toBe("4.1.0");
    expect(home?.form_factor).toBe("desktop");
    const fid = raw.loadingExperience.metrics.FIRST_INPUT_DELAY_MS;
    expect(home?.field.page.metrics.FIRST_INPUT_DELAY_MS.percentile).toBe(fid.percentile);
  });

  test("a page Lighthouse cannot load is recorded failed without numbers", async () => {
    psi.state.mode = "replay";
    const step = await runStage(true);
    const pages = step?.detail?.pages as Array<Record<string, any>>;
    const products = pages.filter((p) => p.kind === "product");
    expect(products).toHaveLength(2);
    for (const page of products) {
      expect(page.url).toBe(PRODUCT);
      expect(page.error).toContain("FAILED_DOCUMENT_REQUEST");
      expect(page.scores).toBeUndefined();
      expect(page.metrics).toBeUndefined();
    }
    expect(pages.filter((p) => p.scores)).toHaveLength(4);
  });

  test("a store without collections or products is measured on its home page only", async () => {
    psi.state.mode = "replay";
    const step = await runStage(false);
    const pages = step?.detail?.pages as Array<Record<string, any>>;
    expect(pages.map((p) => p.kind)).toEqual(["home", "home"]);
  });

  test("when every call fails the step is skipped with the reason", async () => {
    psi.state.mode = "lighthouse-error";
    const step = await runStage(false);
    expect(step?.status).toBe("skipped");
    expect(step?.detail?.provider).toBe("psi");
    expect(String(step?.detail?.reason)).toContain("FAILED_DOCUMENT_REQUEST");
    expect(step?.detail?.pages).toBeUndefined();
  });

  test("an exhausted quota (429) is a retryable failure", async () => {
    psi.state.mode = "quota";
    const failure = await stageFailure();
    expect(failure).toMatchObject({ code: "unavailable", retryable: true });
    expect(failure.message).toContain("quota");
  });

  test("a refused API key (403) is a non-retryable failure naming PSI_API_KEY", async () => {
    psi.state.mode = "bad-key";
    const failure = await stageFailure();
    expect(failure).toMatchObject({ code: "upstream_failed", retryable: false });
    expect(failure.message).toContain("PSI_API_KEY");
  });

  test("a key Google does not know (400 API_KEY_INVALID) is not retried either", async () => {
    psi.state.mode = "invalid-key";
    const failure = await stageFailure();
    expect(failure).toMatchObject({ code: "upstream_failed", retryable: false });
    expect(failure.message).toContain("API key not valid");
  });

  test("a call over PSI_TIMEOUT_MS fails its page with the timeout", async () => {
    psi.state.mode = "slow";
    const provider = createPagespeedProvider({ ...svc.config, PSI_TIMEOUT_MS: 100 });
    const step = await runStage(false, provider);
    expect(step?.status).toBe("skipped");
    expect(String(step?.detail?.reason)).toContain("timed out after 100 ms");
  });

  test("an abandoned attempt's signal drops the call and measure rejects with its reason", async () => {
    psi.state.mode = "slow";
    const attempt = new AbortController();
    const reason = new Error("pagespeed stage did not finish within its deadline");
    setTimeout(() => attempt.abort(reason), 200);
    const startedMs = performance.now();
    const error = await createPagespeedProvider(svc.config)
      .measure({
        jobId: "j",
        pages: [{ kind: "home", url: `https://${HOST}/` }],
        signal: attempt.signal,
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBe(reason);
    // The fake answers after a second; the abort ends the call before that.
    expect(performance.now() - startedMs).toBeLessThan(800);
  });

  test("the stage runner retries after a 429 and then stores the results", async () => {
    psi.state.mode = "quota-once";
    const stop = await runStages(svc, [pagespeedStage(svc, createPagespeedProvider(svc.config))], {
      ackWaitMs: 5_000,
      maxAttempts: 3,
      backoffMs: [50],
      concurrency: 1,
    });
    const job = await insertJob(svc, HOST);
    await publishStage(svc, job.id, "pagespeed");
    const step = await waitForStep(job.id);
    await stop();
    expect(step).toMatchObject({ status: "completed", attempts: 2 });
    expect(step?.detail?.pages).toHaveLength(2);
  });

  test("a quota still exhausted on the last attempt skips the step instead of failing the job", async () => {
    psi.state.mode = "quota";
    const attempts = svc.config.STAGE_MAX_DELIVER;
    const stop = await runStages(svc, [pagespeedStage(svc, createPagespeedProvider(svc.config))], {
      ackWaitMs: 5_000,
      maxAttempts: attempts,
      backoffMs: [20],
      concurrency: 1,
    });
    const job = await insertJob(svc, HOST);
    await publishStage(svc, job.id, "pagespeed");
    const deadline = Date.now() + 15_000;
    let step: Awaited<ReturnType<typeof waitForStep>>;
    do {
      [step] = await svc.db.db.select().from(jobSteps).where(eq(jobSteps.jobId, job.id));
      await Bun.sleep(50);
    } while (step?.status !== "skipped" && step?.status !== "errored" && Date.now() < deadline);
    await stop();
    expect(step).toMatchObject({ status: "skipped", attempts });
    expect(String(step?.detail?.reason)).toStartWith("PageSpeed unavailable:");
  });

  async function waitForStep(jobId: string, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [step] = await svc.db.db.select().from(jobSteps).where(eq(jobSteps.jobId, jobId));
      if (step?.status === "completed" || Date.now() > deadline) return step;
      await Bun.sleep(50);
    }
  }
}
