import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { getJob } from "@shopsniffer/shared/jobs/state";
import { publishStage } from "@shopsniffer/shared/nats/stage-runner";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { REPO_ROOT } from "@shopsniffer/shared/testing/env";
import { type Harness, startHarness } from "./harness.ts";
import { jobCounts, stepRecord } from "./rows.ts";

const DOMAIN = "demo.shopsniffer.test";
const PRODUCTS = 1_500;
const store = generateDemoStore({ productCount: PRODUCTS, seed: 11 });
let h: Harness;

beforeAll(async () => {
  // Slow JSON answers, so the crawler is surely mid-products when it is killed.
  h = await startHarness({ store }, DOMAIN, { latencyMs: 60 }, { STAGE_ACK_WAIT_MS: "1000" });
});
afterAll(async () => {
  await h?.stop();
});

function spawnCrawler(): Bun.Subprocess {
  return Bun.spawn([process.execPath, "services/crawler/src/main.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...h.world.env, STAGE_ACK_WAIT_MS: "1000" },
    stdout: "ignore",
    stderr: "ignore",
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await Bun.sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const stepIs = (jobId: string, step: string, status: string) => async () =>
  (await stepRecord(h.deps.svc.db, jobId, step))?.status === status;

describe("crawler process", () => {
  test("killed with SIGKILL mid-indexing, a restarted crawler ends with exact counts", async () => {
    const { svc } = h.deps;
    const jobId = await h.createJob();
    let killedAtMs = 0;
    let crawler = spawnCrawler();
    try {
      await publishStage(svc, jobId, "sitemap");
      await waitFor("sitemap step", stepIs(jobId, "sitemap", "completed"));
      await publishStage(svc, jobId, "indexing");
      await waitFor(
        "first products",
        async () => ((await getJob(svc.db, jobId))?.productCount ?? 0) > 0,
      );
      expect(await stepIs(jobId, "indexing-products", "running")()).toBe(true);
      crawler.kill("SIGKILL");
      await crawler.exited;
      killedAtMs = Date.now();

      crawler = spawnCrawler();
      await waitFor("indexing to finish", stepIs(jobId, "indexing-pages", "completed"));
    } finally {
      crawler.kill("SIGTERM");
      await crawler.exited;
    }
    expect(await jobCounts(svc.db, jobId)).toMatchObject({
      products: PRODUCTS,
      collections: store.collections.length,
      pages: store.pages.length,
    });
    // The restarted process redid the step. Its attempt number is not checked: on a loaded
    // machine JetStream was seen to hand the killed process's message to the new one at once
    // as delivery 1 (1 run in 3 here), so the count says nothing about who ran the step.
    const step = await stepRecord(svc.db, jobId, "indexing-products");
    expect(Date.parse(step?.startedAt ?? "")).toBeGreaterThan(killedAtMs);
    expect(step?.status).toBe("completed");
    const job = await getJob(svc.db, jobId);
    expect(job).toMatchObject({ productCount: PRODUCTS, status: "processing" });
  }, 30_000);
});
