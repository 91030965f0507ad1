import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { collections, pages } from "@shopsniffer/shared/db/schema";
import { AppError } from "@shopsniffer/shared/errors";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { eq } from "drizzle-orm";
import { runIndexingStage } from "../src/indexing/stage.ts";
import { runSitemapStage } from "../src/sitemap/stage.ts";
import { type Harness, startHarness } from "./harness.ts";
import { jobCounts, stepRecord } from "./rows.ts";

const DOMAIN = "demo.shopsniffer.test";
const store = generateDemoStore({ productCount: 300, seed: 3 });
type Intercept = (url: URL) => Response | undefined;
let intercept: Intercept | null = null;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ store }, DOMAIN, {
    intercept: (request) => intercept?.(new URL(request.url)),
  });
});
afterEach(() => {
  intercept = null;
});
afterAll(async () => {
  await h?.stop();
});

const on =
  (path: string, response: () => Response): Intercept =>
  (url) =>
    url.pathname === path ? response() : undefined;

async function sitemapError(): Promise<AppError> {
  const jobId = await h.createJob();
  const error = await runSitemapStage(h.deps, await h.stageRun(jobId, "sitemap")).catch((e) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("sitemap stage failures", () => {
  test("no sitemap (404) fails the job for good with the sitemap's URL", async () => {
    intercept = on("/sitemap.xml", () => new Response("nope", { status: 404 }));
    const error = await sitemapError();
    expect(error).toMatchObject({ code: "upstream_failed", retryable: false });
    expect(error.message).toBe(`No sitemap found at https://${DOMAIN}/sitemap.xml.`);
  });

  test("429 and 5xx are retryable; an HTML page instead of XML is not", async () => {
    const headers = { "retry-after": "0" };
    intercept = on("/sitemap.xml", () => new Response("slow down", { status: 429, headers }));
    expect((await sitemapError()).retryable).toBe(true);
    intercept = on("/sitemap.xml", () => new Response("oops", { status: 502 }));
    expect((await sitemapError()).retryable).toBe(true);
    intercept = on("/sitemap.xml", () => new Response("<html><body>Welcome</body></html>"));
    expect((await sitemapError()).retryable).toBe(false);
  });

  test("unknown and missing children are recorded, the rest is stored", async () => {
    const index = `<sitemapindex>
      <sitemap><loc>https://${DOMAIN}/sitemap_pages_1.xml</loc></sitemap>
      <sitemap><loc>https://${DOMAIN}/sitemap_metaobjects_1.xml</loc></sitemap>
      <sitemap><loc>https://${DOMAIN}/sitemap_collections_9.xml</loc></sitemap>
    </sitemapindex>`;
    const other = `<urlset><url><loc>https://${DOMAIN}/pages/faq-entry</loc></url></urlset>`;
    intercept = (url) => {
      if (url.pathname === "/sitemap.xml") return new Response(index);
      if (url.pathname === "/sitemap_metaobjects_1.xml") return new Response(other);
      return undefined;
    };
    const jobId = await h.createJob();
    await runSitemapStage(h.deps, await h.stageRun(jobId, "sitemap"));
    const step = await stepRecord(h.deps.svc.db, jobId, "sitemap");
    expect(step?.detail).toMatchObject({ pages: store.pages.length, other: 1, children: 3 });
    expect(step?.detail?.failed_children).toEqual([
      { loc: `https://${DOMAIN}/sitemap_collections_9.xml`, error: "HTTP 404" },
    ]);
  });

  test("the step's progress never falls when a nested index grows the queue", async () => {
    const child = (name: string) => `<sitemap><loc>https://${DOMAIN}/${name}</loc></sitemap>`;
    const nested = ["sitemap_collections_1.xml", "sitemap_blogs_1.xml", "sitemap_blogs_2.xml"];
    intercept = (url) => {
      if (url.pathname === "/sitemap.xml") {
        const root = ["sitemap_pages_1.xml", "sitemap_nested_1.xml"].map(child).join("");
        return new Response(`<sitemapindex>${root}</sitemapindex>`);
      }
      if (url.pathname === "/sitemap_nested_1.xml") {
        return new Response(`<sitemapindex>${nested.map(child).join("")}</sitemapindex>`);
      }
      return undefined;
    };
    const jobId = await h.createJob();
    const run = await h.stageRun(jobId, "sitemap");
    const fractions: number[] = [];
    const status = run.progress.status.bind(run.progress);
    run.progress.status = async (id, step, fraction) => {
      fractions.push(fraction);
      await status(id, step, fraction);
    };
    await runSitemapStage(h.deps, run);
    expect(fractions).toHaveLength(6);
    expect(fractions).toEqual(fractions.toSorted((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
  });
});

describe("indexing with broken store answers", () => {
  test("HTML products.json and garbage collections.json fall back to the sitemap", async () => {
    const jobId = await h.createJob();
    await runSitemapStage(h.deps, await h.stageRun(jobId, "sitemap"));
    intercept = (url) => {
      if (url.pathname === "/products.json") return new Response("<html>login</html>");
      if (url.pathname === "/collections.json") return new Response("{not json");
      if (url.pathname === "/pages/contact") return new Response("gone", { status: 404 });
      return undefined;
    };
    await runIndexingStage(h.deps, await h.stageRun(jobId, "indexing"));
    const counts = await jobCounts(h.deps.svc.db, jobId);
    expect(counts).toMatchObject({ products: 300, collections: 7, pages: store.pages.length });
    const productsStep = await stepRecord(h.deps.svc.db, jobId, "indexing-products");
    expect(productsStep).toMatchObject({
      status: "completed",
      detail: { products_json: "unavailable", coverage: { from_lists: 0, missing_count: 0 } },
    });
    const db = h.deps.svc.db.db;
    const fromSitemap = await db.select().from(collections).where(eq(collections.jobId, jobId));
    const soldes = store.collections.find((c) => c.handle === "soldes");
    expect(fromSitemap.find((c) => c.handle === "soldes")).toMatchObject({
      source: "sitemap",
      productHandles: soldes?.productHandles,
    });
    const contact = (await db.select().from(pages).where(eq(pages.jobId, jobId))).find(
      (p) => p.handle === "contact",
    );
    expect(contact?.fetchError).toBe("HTTP 404");
  });

  test("an errors body ends the product series whatever its status", async () => {
    const jobId = await h.createJob();
    intercept = (url) =>
      url.pathname === "/products.json" && url.searchParams.get("page") === "2"
        ? Response.json({ errors: "Page * Limit exceeds the 25000 limit." }, { status: 200 })
        : undefined;
    await runIndexingStage(h.deps, await h.stageRun(jobId, "indexing"));
    const step = await stepRecord(h.deps.svc.db, jobId, "indexing-products");
    expect(step?.detail).toMatchObject({ ended_by: "errors", coverage: { from_lists: 250 } });
  });

  test("an unavailable products.json page 2 makes the stage retryable, not complete", async () => {
    const jobId = await h.createJob();
    intercept = (url) =>
      url.pathname === "/products.json" && url.searchParams.get("page") === "2"
        ? new Response("<html>login</html>", { headers: { "content-type": "text/html" } })
        : undefined;
    const error = await runIndexingStage(h.deps, await h.stageRun(jobId, "indexing")).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ code: "upstream_failed", retryable: true });
    const step = await stepRecord(h.deps.svc.db, jobId, "indexing-products");
    expect(step?.status).not.toBe("completed");
  });

  test("a page answering 429 or 5xx makes the stage retryable, not a fetch_error row", async () => {
    const jobId = await h.createJob();
    await runSitemapStage(h.deps, await h.stageRun(jobId, "sitemap"));
    const headers = { "retry-after": "0" };
    for (const status of [500, 429]) {
      intercept = on("/pages/contact", () => new Response("busy", { status, headers }));
      const error = await runIndexingStage(h.deps, await h.stageRun(jobId, "indexing")).catch(
        (e) => e,
      );
      expect(error).toMatchObject({ code: "upstream_failed", retryable: true });
    }
    const stored = await h.deps.svc.db.db.select().from(pages).where(eq(pages.jobId, jobId));
    expect(stored.find((p) => p.handle === "contact")?.fetchError ?? null).toBeNull();
  });

  test("a store that keeps answering 503 makes the stage retryable", async () => {
    const jobId = await h.createJob();
    intercept = on(
      "/products.json",
      () => new Response("busy", { status: 503, headers: { "retry-after": "0" } }),
    );
    const error = await runIndexingStage(h.deps, await h.stageRun(jobId, "indexing")).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ code: "upstream_failed", retryable: true });
  });
});
