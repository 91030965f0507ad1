import {
  afterAll,
  afterEach,
  beforeAll,
  describe,
  expect,
  test,
  setDefaultTimeout,
} from "bun:test";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { runSitemapStage } from "../src/sitemap/stage.ts";
import { type Harness, startHarness } from "./harness.ts";
import { jobCounts, stepRecord } from "./rows.ts";

// Whole crawls: a loaded machine (CI, shared cores) takes far longer than the default 5 s.
setDefaultTimeout(60_000);

const DOMAIN = "limits.shopsniffer.test";
const BASE = `https://${DOMAIN}`;
const MAX_URLS = 150;
const MAX_CHILDREN = 4;
let sitemaps: Record<string, string> = {};
let fetched: string[] = [];
let h: Harness;

beforeAll(async () => {
  const store = generateDemoStore({ productCount: 5, domain: DOMAIN });
  h = await startHarness(
    { store },
    DOMAIN,
    { intercept: (request) => served(new URL(request.url).pathname) },
    {
      CRAWLER_MAX_SITEMAP_URLS: String(MAX_URLS),
      CRAWLER_MAX_SITEMAP_CHILDREN: String(MAX_CHILDREN),
    },
  );
});
afterEach(() => {
  sitemaps = {};
  fetched = [];
});
afterAll(async () => {
  await h?.stop();
});

function served(path: string): Response | undefined {
  fetched.push(path);
  const body = sitemaps[path];
  return body === undefined ? undefined : new Response(body);
}

const urlset = (paths: string[]) =>
  `<urlset>${paths.map((path) => `<url><loc>${BASE}${path}</loc></url>`).join("")}</urlset>`;
const index = (paths: string[]) =>
  `<sitemapindex>${paths.map((p) => `<sitemap><loc>${BASE}${p}</loc></sitemap>`).join("")}` +
  "</sitemapindex>";
const productPaths = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `/products/p-${from + i}`);
const pageChild = (n: number) => `/sitemap_pages_${n}.xml`;
const productChild = (n: number) => `/sitemap_products_${n}.xml`;

/** Runs the sitemap stage on a fresh job and returns its counts and step record. */
async function readSitemaps() {
  const jobId = await h.createJob();
  await runSitemapStage(h.deps, await h.stageRun(jobId, "sitemap"));
  const step = await stepRecord(h.deps.svc.db, jobId, "sitemap");
  return { counts: (await jobCounts(h.deps.svc.db, jobId)).sitemap, step };
}

describe("sitemap limits", () => {
  test("under both caps nothing is marked truncated", async () => {
    sitemaps = { "/sitemap.xml": urlset(productPaths(0, MAX_URLS)) };
    const { counts, step } = await readSitemaps();
    expect(counts.product).toBe(MAX_URLS);
    expect(step?.status).toBe("completed");
    expect(step?.detail).not.toHaveProperty("truncated");
  });

  test("past CRAWLER_MAX_SITEMAP_URLS the stage stops reading and completes", async () => {
    sitemaps = {
      "/sitemap.xml": index([productChild(1), productChild(2), productChild(3)]),
      [productChild(1)]: urlset(productPaths(0, 100)),
      [productChild(2)]: urlset(productPaths(100, 100)),
      [productChild(3)]: urlset(productPaths(200, 100)),
    };
    const { counts, step } = await readSitemaps();
    expect(counts.product).toBe(MAX_URLS);
    expect(step?.status).toBe("completed");
    expect(step?.detail).toMatchObject({ truncated: true, max_urls: MAX_URLS, children: 2 });
    expect(fetched).not.toContain(productChild(3));
    expect(step?.detail).not.toHaveProperty("max_children");
  });

  test("past CRAWLER_MAX_SITEMAP_CHILDREN, nested ones included, the rest is not read", async () => {
    const nested = [5, 6, 7, 8].map(pageChild);
    sitemaps = {
      "/sitemap.xml": index([pageChild(1), "/sitemap_nested_1.xml", pageChild(2)]),
      "/sitemap_nested_1.xml": index(nested),
    };
    for (const n of [1, 2, 5, 6, 7, 8]) sitemaps[pageChild(n)] = urlset([`/pages/p-${n}`]);
    const { counts, step } = await readSitemaps();
    expect(counts.page).toBe(3);
    expect(step?.detail).toMatchObject({
      truncated: true,
      max_children: MAX_CHILDREN,
      children: MAX_CHILDREN,
      pages: 3,
    });
    expect(step?.detail).not.toHaveProperty("max_urls");
    expect(fetched).not.toContain(pageChild(6));
  });
});
