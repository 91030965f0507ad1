import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { jobSteps, sitemapUrls } from "@shopsniffer/shared/db/schema";
import { bootService } from "@shopsniffer/shared/service";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import {
  CHROMIUM_PATH,
  createTestWorld,
  hasChromium,
  type TestWorld,
} from "@shopsniffer/shared/testing/env";
import { stageRunFor } from "@shopsniffer/shared/testing/stage-run";
import { eq } from "drizzle-orm";
import { type AuditorService, auditorConfigSchema } from "../src/config.ts";
import { createPagespeedProvider } from "../src/pagespeed/provider.ts";
import { pagespeedStage } from "../src/pagespeed/stage.ts";
import { insertJob } from "./helpers.ts";

// Each Lighthouse run loads Chromium and a page: seconds each, more on a busy machine.
setDefaultTimeout(240_000);

const DOMAIN = "demo.shopsniffer.test";
const store = generateDemoStore({ productCount: 6 });
const collection = store.collections.find((c) => c.handle !== "frontpage")?.handle ?? "";
const product = store.products[0]?.handle ?? "";

test("a missing Chromium skips the step with the reason, without numbers", async () => {
  const provider = createPagespeedProvider({
    ...auditorConfigSchema.parse({ PAGESPEED_PROVIDER: "lighthouse" }),
    CHROMIUM_PATH: "/nonexistent/chromium",
  });
  const outcome = await provider.measure({
    jobId: "j",
    pages: [{ kind: "home", url: `https://${DOMAIN}/` }],
  });
  expect(outcome).toEqual({
    status: "skipped",
    reason: "no Chromium at /nonexistent/chromium (CHROMIUM_PATH)",
  });
});

describe.skipIf(!hasChromium)("lighthouse against the storefront", () => {
  let world: TestWorld;
  let svc: AuditorService;
  let storefront: RunningStorefront;

  beforeAll(async () => {
    storefront = await startStorefront({ store });
    world = await createTestWorld({ STORE_ORIGINS: `${DOMAIN}=${storefront.origin}` });
    svc = await bootService("auditor", auditorConfigSchema, {
      ...world.env,
      PAGESPEED_PROVIDER: "lighthouse",
      CHROMIUM_PATH,
      LIGHTHOUSE_STRATEGIES: "mobile",
      LIGHTHOUSE_TIMEOUT_MS: "150000",
    });
  });
  afterAll(async () => {
    await svc.close();
    await world.stop();
    await storefront.stop();
  });

  test("measures home, a collection and a product with real numbers", async () => {
    const job = await insertJob(svc, DOMAIN);
    await svc.db.write((db) =>
      db.insert(sitemapUrls).values([
        { jobId: job.id, url: `https://${DOMAIN}/collections/${collection}`, kind: "collection" },
        { jobId: job.id, url: `https://${DOMAIN}/products/${product}`, kind: "product" },
      ]),
    );
    const requestsBefore = storefront.requests;
    const startedMs = performance.now();
    const stage = pagespeedStage(svc, createPagespeedProvider(svc.config));
    await stage.handle(await stageRunFor(svc, job.id, "pagespeed", "pagespeed"));
    const tookMs = Math.round(performance.now() - startedMs);
    console.log(`lighthouse: pagespeed step, 3 pages, mobile only, took ${tookMs} ms`);

    const [step] = await svc.db.db.select().from(jobSteps).where(eq(jobSteps.jobId, job.id));
    expect(step?.status).toBe("completed");
    expect(step?.detail).toMatchObject({
      provider: "lighthouse",
      throttling: "simulate",
      strategies: ["mobile"],
    });
    const pages = step?.detail?.pages as Array<Record<string, any>>;
    expect(pages.map((p) => [p.kind, p.strategy, p.url])).toEqual([
      ["home", "mobile", `https://${DOMAIN}/`],
      ["collection", "mobile", `https://${DOMAIN}/collections/${collection}`],
      ["product", "mobile", `https://${DOMAIN}/products/${product}`],
    ]);
    for (const page of pages) {
      expect(page.error).toBeUndefined();
      for (const score of Object.values(page.scores)) {
        expect(Number.isInteger(score)).toBe(true);
        expect(score as number).toBeGreaterThanOrEqual(0);
        expect(score as number).toBeLessThanOrEqual(100);
      }
      expect(Object.keys(page.scores).sort()).toEqual([
        "accessibility",
        "best_practices",
        "performance",
        "seo",
      ]);
      expect(page.metrics.lcp_ms).toBeGreaterThan(0);
      expect(page.metrics.fcp_ms).toBeGreaterThan(0);
      expect(page.metrics.speed_index_ms).toBeGreaterThan(0);
      expect(page.metrics.lcp_ms).toBeGreaterThanOrEqual(page.metrics.fcp_ms);
      expect(page.metrics.cls).toBeGreaterThanOrEqual(0);
      expect(page.metrics.tbt_ms).toBeGreaterThanOrEqual(0);
      expect(page.field).toBeNull();
      expect(page.lighthouse_version).toBe("12.2.3");
      expect(page.form_factor).toBe("mobile");
    }
    // Chromium loaded the pages (and their assets) from the mapped local storefront.
    expect(storefront.requests - requestsBefore).toBeGreaterThanOrEqual(3);
  });

  test("a page the store answers 404 is recorded as failed, with no numbers", async () => {
    const provider = createPagespeedProvider({ ...svc.config, LIGHTHOUSE_STRATEGIES: ["desktop"] });
    const outcome = await provider.measure({
      jobId: "j",
      pages: [{ kind: "product", url: `https://${DOMAIN}/products/no-such-product` }],
    });
    expect(outcome.status).toBe("skipped");
    const reason = outcome.status === "skipped" ? outcome.reason : "";
    expect(reason).toContain("every Lighthouse run failed (1)");
    expect(reason).toContain("404");
  });

  test("a run over LIGHTHOUSE_TIMEOUT_MS fails with the time-out", async () => {
    const provider = createPagespeedProvider({ ...svc.config, LIGHTHOUSE_TIMEOUT_MS: 300 });
    const outcome = await provider.measure({
      jobId: "j",
      pages: [{ kind: "home", url: `https://${DOMAIN}/` }],
    });
    expect(outcome).toEqual({
      status: "skipped",
      reason: "every Lighthouse run failed (1); first: Lighthouse timed out after 300 ms",
    });
  });

  test("an abandoned attempt's signal kills the run and its Chrome, and measure rejects", async () => {
    const provider = createPagespeedProvider(svc.config);
    const attempt = new AbortController();
    const reason = new Error("pagespeed stage did not finish within its deadline");
    // The store's local origin is in the Chrome command line: it names this run's processes.
    const origin = new URL(storefront.origin).host;
    let chromesBefore = 0;
    setTimeout(() => {
      chromesBefore = processesNaming(origin).length;
      attempt.abort(reason);
    }, 3_000);
    const startedMs = performance.now();
    const error = await provider
      .measure({
        jobId: "j",
        pages: [
          { kind: "home", url: `https://${DOMAIN}/` },
          { kind: "product", url: `https://${DOMAIN}/products/${product}` },
        ],
        signal: attempt.signal,
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    const tookMs = Math.round(performance.now() - startedMs);
    console.log(`lighthouse: aborted after 3000 ms, measure ended after ${tookMs} ms`);
    expect(error).toBe(reason);
    // Two pages take well over ten seconds here; the abort ends the first run at once.
    expect(tookMs).toBeLessThan(6_000);
    expect(chromesBefore).toBeGreaterThan(0);
    await Bun.sleep(500);
    expect(processesNaming(origin)).toEqual([]);
  });
});

/** Live processes (not zombies) whose command line contains `text`. */
function processesNaming(text: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        if (/\) Z /.test(stat)) return false;
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}
