import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { pages } from "@shopsniffer/shared/db/schema";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import {
  modeInterceptor,
  requestLog,
  type StorefrontMode,
} from "@shopsniffer/shared/storefront/safety-modes";
import { eq } from "drizzle-orm";
import type { CrawlerDeps } from "../src/context.ts";
import { runIndexingStage } from "../src/indexing/stage.ts";
import { runSitemapStage } from "../src/sitemap/stage.ts";
import { type Harness, startHarness } from "./harness.ts";
import { stepRecord } from "./rows.ts";

const DOMAIN = "demo.shopsniffer.test";
const store = generateDemoStore({ productCount: 40, seed: 8 });
let modes: StorefrontMode[] = [];
const log = requestLog((request) => modeInterceptor(modes)(request));
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ store }, DOMAIN, { intercept: log.intercept });
});
afterEach(() => {
  modes = [];
  log.entries.length = 0;
});
afterAll(async () => {
  await h?.stop();
});

async function crawl(deps: CrawlerDeps = h.deps) {
  const jobId = await h.createJob();
  await runSitemapStage(deps, await h.stageRun(jobId, "sitemap"));
  const error = await runIndexingStage(deps, await h.stageRun(jobId, "indexing")).then(
    () => null,
    (e: unknown) => e,
  );
  return { jobId, error };
}

describe("robots.txt", () => {
  test("pages it disallows are not requested and say why; JSON endpoints are read", async () => {
    const body = "User-agent: *\nDisallow: /pages/contact\nDisallow: /products\n";
    modes = [{ kind: "robots", body }];
    const { jobId, error } = await crawl();
    expect(error).toBeNull();
    const paths = log.entries.map((entry) => entry.path);
    expect(paths).not.toContain("/pages/contact");
    expect(paths).toContain("/robots.txt");
    expect(paths.filter((path) => path === "/robots.txt")).toHaveLength(1);
    const rows = await h.deps.svc.db.db.select().from(pages).where(eq(pages.jobId, jobId));
    const contact = rows.find((row) => row.handle === "contact");
    expect(contact?.fetchError).toBe("disallowed by robots.txt");
    expect(rows.filter((row) => row.fetchError === null).length).toBe(rows.length - 1);
    const step = await stepRecord(h.deps.svc.db, jobId, "indexing-products");
    expect(step?.detail).toMatchObject({ outcome: "complete", products: 40 });
  }, 30_000);

  test("a robots.txt that cannot be read (5xx) keeps the crawler off the pages", async () => {
    modes = [{ kind: "status", match: /^\/robots\.txt$/, status: 503 }];
    const { jobId } = await crawl();
    const rows = await h.deps.svc.db.db.select().from(pages).where(eq(pages.jobId, jobId));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.fetchError === "disallowed by robots.txt")).toBe(true);
    expect(log.entries.filter((entry) => entry.path.startsWith("/pages/"))).toEqual([]);
  }, 30_000);
});

describe("limits", () => {
  test("a gzip bomb for products.json fails the stage clearly, not the process", async () => {
    modes = [{ kind: "gzip-bomb", match: /^\/products\.json/, inflatedBytes: 16 * 1024 * 1024 }];
    const origins = h.deps.svc.config.STORE_ORIGINS;
    const fetchStore = createStoreFetcher({ origins, timeoutMs: 10_000, maxBytes: 1024 * 1024 });
    const { error } = await crawl({ ...h.deps, fetchStore });
    expect(error).toMatchObject({ code: "upstream_failed", retryable: false });
    expect(String((error as Error).message)).toContain("larger than 1048576 bytes");
  }, 30_000);
});

test("every request names the product and a URL about it", async () => {
  await crawl();
  const agents = new Set(log.entries.map((entry) => entry.userAgent));
  expect([...agents]).toHaveLength(1);
  expect([...agents][0]).toMatch(/^ShopSniffer\/[\d.]+ \(\+https?:\/\/\S+\)$/);
}, 30_000);
