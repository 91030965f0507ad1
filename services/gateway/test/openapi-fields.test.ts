import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { DEMO_DOMAIN, generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { loadFixtureStore } from "@shopsniffer/shared/storefront/fixture-store";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import { hasRealFixtures, REAL_FIXTURES } from "@shopsniffer/shared/testing/env";
import { psiFixturesPresent, startPsiServer } from "../../auditor/test/psi-server.ts";
import { type GatewayHarness, startGateway } from "./harness.ts";
import {
  responseSchema,
  responseSchemas,
  type Schema,
  strictValidator,
  undescribedProperties,
} from "./openapi-schemas.ts";
import { type StackHarness, startStackHarness } from "./stack-harness.ts";

// The second part runs the four services as processes; two jobs take seconds on a busy machine.
setDefaultTimeout(180_000);

/** The job routes whose answers must be typed, not `any`. */
const JOB_ANSWERS = [
  ["post", "/api/jobs", 201],
  ["get", "/api/jobs", 200],
  ["get", "/api/jobs/{id}", 200],
  ["get", "/api/jobs/{id}/status", 200],
  ["post", "/api/jobs/{id}/retry", 201],
] as const;

describe("the OpenAPI document", () => {
  let gw: GatewayHarness;
  let doc: Schema;

  beforeAll(async () => {
    gw = await startGateway();
    doc = await (await gw.request("/api/openapi.json")).json();
  });
  afterAll(() => gw?.stop());

  test("describes every property of every JSON response", () => {
    const walked = responseSchemas(doc).map(({ name, schema }) =>
      undescribedProperties(schema, name),
    );
    expect(walked.flatMap((w) => w.missing)).toEqual([]);
    const total = walked.reduce((sum, w) => sum + w.properties, 0);
    console.log(`openapi: ${total} response properties, each with a description`);
    // The job views alone have a few hundred; a walk that stopped early would count a handful.
    expect(total).toBeGreaterThan(300);
  });

  test("types the job answers down to shop_meta, insights and step details", () => {
    for (const [method, path, status] of JOB_ANSWERS) {
      const schema = responseSchema(doc, method, path, status);
      expect(Object.keys(schema.properties ?? {}).length).toBeGreaterThan(0);
      expect(undescribedProperties(schema, `${method} ${path}`).untyped).toEqual([]);
    }
    const job = responseSchema(doc, "get", "/api/jobs/{id}", 200).properties.job;
    for (const field of ["shop_meta", "insights", "outcome", "steps", "downloads"]) {
      expect(job.properties[field]?.description).toBeString();
    }
    const detail = job.properties.steps.items.properties.detail;
    expect(detail.anyOf.length).toBeGreaterThan(5);
  });
});

describe("a real job's JSON", () => {
  let demo: RunningStorefront;
  let noSitemap: RunningStorefront;
  let real: RunningStorefront | undefined;
  let harness: StackHarness;
  let receiver: ReturnType<typeof Bun.serve>;
  let psi: ReturnType<typeof startPsiServer> | undefined;
  let doc: Schema;
  const webhooks: string[] = [];

  beforeAll(async () => {
    receiver = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: async (request) => {
        webhooks.push(await request.text());
        return new Response(null, { status: 204 });
      },
    });
    demo = await startStorefront({ store: generateDemoStore({ productCount: 40 }) });
    noSitemap = await startStorefront(
      { store: generateDemoStore({ productCount: 3 }) },
      {
        intercept: (request) =>
          new URL(request.url).pathname === "/sitemap.xml"
            ? new Response("gone", { status: 404 })
            : undefined,
      },
    );
    const origins = [`${DEMO_DOMAIN}=${demo.origin}`, `no-sitemap.example=${noSitemap.origin}`];
    if (hasRealFixtures) {
      real = await startStorefront({
        fixture: loadFixtureStore({
          roots: [join(REAL_FIXTURES, "purecane")],
          productsArrayFile: join(REAL_FIXTURES, "mylubie/products-array.json"),
        }),
      });
      origins.push(`purecane.com=${real.origin}`);
    }
    // With the captured PSI answers, PageSpeed is measured (a local PSI replays them), so
    // the pagespeed step's `pages` are checked too; without them the step is skipped.
    psi = psiFixturesPresent() ? startPsiServer() : undefined;
    const pagespeed: Record<string, string> = psi
      ? { PAGESPEED_PROVIDER: "psi", PSI_API_KEY: "test-key", PSI_ENDPOINT: psi.endpoint }
      : {};
    harness = await startStackHarness({
      STORE_ORIGINS: origins.join(","),
      WEBHOOK_ALLOW_PRIVATE: "true",
      ...pagespeed,
    });
    doc = await (await fetch(`${harness.stack.gatewayUrl}/api/openapi.json`)).json();
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
    await demo?.stop();
    await noSitemap?.stop();
    await real?.stop();
    receiver?.stop(true);
    psi?.stop();
  }, 30_000);

  const api = (path: string, init?: RequestInit) =>
    fetch(`${harness.stack.gatewayUrl}/api${path}`, init);
  const validator = (method: string, path: string, status: number) =>
    strictValidator(responseSchema(doc, method, path, status));
  const post = (path: string, body?: unknown) =>
    api(path, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": harness.apiKey },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  /**
   * Reads `GET /api/jobs/{id}` and `/status` until the job ends and checks every distinct
   * answer, so the shapes of a running job (steps without detail, `shop_meta` with only the
   * domains, no insights yet) are checked too. Returns the last job and how many were checked.
   */
  async function followAndCheck(id: string) {
    const checkJob = validator("get", "/api/jobs/{id}", 200);
    const checkStatus = validator("get", "/api/jobs/{id}/status", 200);
    const seen = new Set<string>();
    /** Which forms of `shop_meta` were checked: null, the domains only, or audited. */
    const shopMetas = new Set<string>();
    let job: Record<string, any> = {};
    for (const deadline = Date.now() + 150_000; Date.now() < deadline; await Bun.sleep(100)) {
      const [full, status] = await Promise.all([
        api(`/jobs/${id}`).then((r) => r.json()),
        api(`/jobs/${id}/status`).then((r) => r.json()),
      ]);
      for (const [check, body] of [
        [checkJob, full],
        [checkStatus, status],
      ] as const) {
        const text = JSON.stringify(body);
        if (seen.has(text)) continue;
        seen.add(text);
        expect({ body: text.slice(0, 300), errors: check(body) }).toEqual({
          body: text.slice(0, 300),
          errors: [],
        });
      }
      job = full.job;
      shopMetas.add(job.shop_meta ? `${Object.keys(job.shop_meta).length} keys` : "null");
      if (job.status === "completed" || job.status === "errored") break;
    }
    return { job, checked: seen.size, shopMetas: [...shopMetas].join(", ") };
  }

  /** A completed job of the demo store: the first test's retry, or one run here without it. */
  let demoJob: Record<string, any> | undefined;
  async function completedDemoJob(): Promise<Record<string, any>> {
    if (!demoJob) {
      const created = await post("/jobs", { domain: DEMO_DOMAIN });
      demoJob = (await followAndCheck((await created.json()).job.id)).job;
    }
    return demoJob;
  }

  test("matches the documented schema at every stage, on the demo store and its retry", async () => {
    const created = await post("/jobs", {
      domain: DEMO_DOMAIN,
      webhook_url: `http://127.0.0.1:${receiver.port}/hook`,
      notify_email: "owner@example.com",
    });
    expect(created.status).toBe(201);
    const createdBody = await created.json();
    expect(validator("post", "/api/jobs", 201)(createdBody)).toEqual([]);

    const first = await followAndCheck(createdBody.job.id);
    const { audit_mode: mode, page } = first.job.shop_meta;
    console.log(
      `openapi: ${first.checked} distinct answers of the demo job checked ` +
        `(audit ${mode}, ${page.requests.length} page requests; shop_meta: ${first.shopMetas})`,
    );
    expect(first.job.status).toBe("completed");
    expect(first.checked).toBeGreaterThan(4);
    expect(first.job.shop_meta.audit_mode).toBeString();
    expect(first.job.notifications.map((n: { kind: string }) => n.kind).sort()).toEqual([
      "email",
      "webhook",
    ]);
    const pagespeed = await (await api(`/jobs/${first.job.id}/pagespeed`)).json();
    expect(validator("get", "/api/jobs/{id}/pagespeed", 200)(pagespeed)).toEqual([]);
    if (psi) {
      expect(pagespeed.pagespeed.status).toBe("completed");
      const measured = pagespeed.pagespeed.pages.filter((p: object) => "scores" in p);
      expect(measured.length).toBeGreaterThan(0);
    }

    const retried = await post(`/jobs/${first.job.id}/retry`);
    expect(retried.status).toBe(201);
    const retriedBody = await retried.json();
    expect(validator("post", "/api/jobs/{id}/retry", 201)(retriedBody)).toEqual([]);
    const second = await followAndCheck(retriedBody.job.id);
    expect(second.job.status).toBe("completed");
    expect(second.job.retry_of).toBe(first.job.id);
    expect(second.job.insights.changes.previous_job_id).toBe(first.job.id);

    const latest = await (await api(`/jobs?domain=${DEMO_DOMAIN}`)).json();
    expect(latest.job.id).toBe(second.job.id);
    expect(validator("get", "/api/jobs", 200)(latest)).toEqual([]);
    demoJob = second.job;
  });

  test("refuses a field the document does not name, at any depth", async () => {
    const job = await completedDemoJob();
    expect(job.status).toBe("completed");
    const latest = { job };
    const check = validator("get", "/api/jobs/{id}", 200);
    expect(check(latest)).toEqual([]);
    const productsStep = (copy: Record<string, any>) =>
      copy.steps.find((s: { step: string }) => s.step === "indexing-products");
    expect(productsStep(job)?.detail?.coverage).toBeObject();
    const planted: Array<(job: Record<string, any>) => void> = [
      (job) => {
        job.surprise = 1;
      },
      (job) => {
        job.shop_meta.page.surprise = 1;
      },
      (job) => {
        job.insights.seo.scores.surprise = 1;
      },
      (job) => {
        productsStep(job).detail.coverage.surprise = 1;
      },
    ];
    for (const plant of planted) {
      const copy = structuredClone(latest);
      plant(copy.job);
      expect(check(copy).length).toBeGreaterThan(0);
    }
  });

  test("documents shop_meta holding only the domains, before the audit or on an early error", () => {
    const check = validator("get", "/api/jobs/{id}", 200);
    const at = "2026-04-12T10:30:00Z";
    const domainsOnly = {
      primary_domain: "maison.example",
      myshopify_domain: "maison.myshopify.com",
    };
    const sitemapStep = {
      step: "sitemap",
      status: "completed",
      attempts: 1,
      started_at: at,
      finished_at: at,
      duration_ms: 120,
      detail: null,
      error: null,
    };
    const running = {
      id: crypto.randomUUID(),
      domain: "maison.example",
      slug: "maison-example",
      status: "processing",
      created_at: at,
      user_id: null,
      updated_at: at,
      completed_at: null,
      product_count: 0,
      collection_count: 0,
      page_count: 0,
      step: "audit",
      progress: 0.1,
      retry_of: null,
      outcome: null,
      shop_meta: domainsOnly,
      insights: null,
      downloads: null,
      steps: [
        sitemapStep,
        { ...sitemapStep, step: "audit", status: "running", finished_at: null, duration_ms: null },
      ],
      notifications: [],
      error: null,
    };
    const errored = {
      ...running,
      status: "errored",
      steps: [sitemapStep, { ...sitemapStep, step: "audit", status: "errored", error: "boom" }],
      error: { step: "audit", code: "upstream_failed", message: "boom", attempts: 3 },
    };
    expect(check({ job: running })).toEqual([]);
    expect(check({ job: errored })).toEqual([]);
    // Neither the domains-only form nor the audited one takes a part of the other.
    const partial = { ...running, shop_meta: { ...domainsOnly, shop_name: "Maison" } };
    expect(check({ job: partial }).length).toBeGreaterThan(0);
  });

  test("matches the documented schema when the job errors", async () => {
    const created = await post("/jobs", { domain: "no-sitemap.example" });
    expect(created.status).toBe(201);
    const { job } = await followAndCheck((await created.json()).job.id);
    expect(job.status).toBe("errored");
    expect(job.error).toMatchObject({ step: "sitemap", code: "upstream_failed" });
    expect(job.steps).toMatchObject([{ step: "sitemap", status: "errored" }]);
  });

  test.skipIf(!hasRealFixtures)("matches the documented schema on real store data", async () => {
    const created = await post("/jobs", { domain: "purecane.com" });
    expect(created.status).toBe(201);
    const { job, checked } = await followAndCheck((await created.json()).job.id);
    console.log(`openapi: ${checked} distinct answers of the purecane job checked`);
    expect(job.status).toBe("completed");
    expect(job.shop_meta.apps.length + job.shop_meta.technologies.length).toBeGreaterThan(0);
  });
});
