import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { jobSteps } from "@shopsniffer/shared/db/schema";
import { AppError } from "@shopsniffer/shared/errors";
import { publishStage, runStages } from "@shopsniffer/shared/nats/stage-runner";
import { bootService } from "@shopsniffer/shared/service";
import { openStorage } from "@shopsniffer/shared/storage/open-storage";
import { createStoreFetcher, type StoreFetcher } from "@shopsniffer/shared/store/fetch";
import {
  NOT_SHOPIFY_MESSAGE,
  PASSWORD_PROTECTED_MESSAGE,
} from "@shopsniffer/shared/store/messages";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { modeInterceptor } from "@shopsniffer/shared/storefront/safety-modes";
import { startStorefront } from "@shopsniffer/shared/storefront/server";
import { createTestWorld, type TestWorld } from "@shopsniffer/shared/testing/env";
import { stageRunFor, watchProgress } from "@shopsniffer/shared/testing/stage-run";
import { and, eq } from "drizzle-orm";
import { type AuditDeps, auditStage } from "../src/audit/stage.ts";
import { createBrowserHost } from "../src/browser/browser-host.ts";
import { type AuditorService, auditorConfigSchema } from "../src/config.ts";
import { saveJobFiles } from "../../exporter/src/export/job-files.ts";
import { saveScreenshot } from "../src/audit/screenshot-file.ts";
import type { ShopMeta } from "../src/audit/shop-meta.ts";
import { insertJob, reload, waitForEnd } from "./helpers.ts";

const DEMO = "demo.shopsniffer.test";
const EXTENSIONS = "https://cdn.shopify.com/extensions";
const PLAIN = "plain-site.test";
const LOCKED = "locked.shopsniffer.test";
const FLAKY = "flaky.shopsniffer.test";
/** A store without `/meta.json` whose pages announce JPY in `Shopify.currency`. */
const NO_META = "no-meta.shopsniffer.test";

// The fingerprint data set takes a second or two to compile on a busy machine.
setDefaultTimeout(60_000);

let world: TestWorld;
let svc: AuditorService;
let fetchStore: StoreFetcher;
/** These tests read the static HTML; audit-browser.test.ts renders with Chromium. */
let deps: AuditDeps;
let stopStages: () => Promise<void>;
const servers: Array<{ stop(): Promise<void> }> = [];

async function storefronts(): Promise<Record<string, string>> {
  const demo = await startStorefront({ store: generateDemoStore({ productCount: 5 }) });
  const locked = await startStorefront(
    { store: generateDemoStore({ productCount: 1, domain: LOCKED }) },
    {
      intercept: (request) => {
        const path = new URL(request.url).pathname;
        if (path === "/") return Response.redirect(`https://${LOCKED}/password`, 302);
        if (path === "/password") return new Response("<h1>Opening soon</h1>", { status: 200 });
        return undefined;
      },
    },
  );
  const flaky = await startStorefront(
    { store: generateDemoStore({ productCount: 1 }) },
    { intercept: () => new Response("busy", { status: 503 }) },
  );
  const yenStore = generateDemoStore({ productCount: 2, domain: NO_META });
  yenStore.shop.currency = "JPY";
  const noMeta = await startStorefront(
    { store: yenStore },
    { intercept: modeInterceptor([{ kind: "status", status: 404, match: /^\/meta\.json/ }]) },
  );
  const plain = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: () =>
      new Response("<html><title>Blog</title><p>Why we left Shopify for WordPress.</p></html>", {
        headers: { "content-type": "text/html" },
      }),
  });
  servers.push(demo, locked, flaky, noMeta, { stop: () => plain.stop(true) });
  const origins: Record<string, string> = {
    [DEMO]: demo.origin,
    [LOCKED]: locked.origin,
    [FLAKY]: flaky.origin,
    [NO_META]: noMeta.origin,
    [PLAIN]: `http://127.0.0.1:${plain.port}`,
  };
  return origins;
}

beforeAll(async () => {
  const origins = await storefronts();
  world = await createTestWorld({
    STORE_ORIGINS: Object.entries(origins)
      .map(([domain, origin]) => `${domain}=${origin}`)
      .join(","),
  });
  svc = await bootService("auditor", auditorConfigSchema, world.env);
  fetchStore = createStoreFetcher({ origins: svc.config.STORE_ORIGINS, timeoutMs: 5_000 });
  deps = {
    fetchStore,
    browser: createBrowserHost({ mode: "off", executablePath: "/nonexistent", log: svc.log }),
    storage: openStorage(svc.config),
  };
  stopStages = await runStages(svc, [auditStage(svc, deps)], {
    ackWaitMs: 5_000,
    maxAttempts: 2,
    backoffMs: [100],
    concurrency: 2,
  });
});
afterAll(async () => {
  await stopStages();
  await svc.close();
  await world.stop();
  await Promise.all(servers.map((s) => s.stop()));
});

async function audit(domain: string) {
  const job = await insertJob(svc, domain);
  await auditStage(svc, deps).handle(await stageRunFor(svc, job.id, "audit", "audit"));
  return reload(svc, job.id);
}

describe("audit", () => {
  test("saves the demo store's shop meta from meta.json, globals and app scripts", async () => {
    const job = await audit(DEMO);
    expect(job.shopMeta).toMatchObject({
      shop_name: "Maison Démo",
      currency: "EUR",
      theme_name: "Dawn",
      theme_id: 141_234_567_890,
      detected_apps: ["forms", "Judge.me", "Klaviyo"],
      myshopify_domain: "maison-demo.myshopify.com",
      primary_domain: DEMO,
      theme_schema_name: "Dawn",
      theme_schema_version: "15.0.0",
      theme_store_id: 887,
      theme_role: "main",
      locale: "en",
      locales: ["en"],
      country: "FR",
      published_products_count: 5,
      audit_mode: "static",
      audit_mode_reason: "AUDIT_BROWSER=off",
      screenshot: null,
      withheld_apps: [],
    });
    const meta = job.shopMeta as unknown as ShopMeta;
    expect(meta.apps.find((a) => a.name === "forms")).toEqual({
      name: "forms",
      categories: ["Shopify apps"],
      version: null,
      confidence: 100,
      evidence: [
        {
          kind: "app_extension",
          value: `${EXTENSIONS}/0199a1b2/forms/assets/loader.js?shop=maison-demo&v=3`,
          detail: "extension 0199a1b2",
        },
      ],
    });
    expect(meta.technologies.map((t) => t.name)).toContain("Shopify");
    expect(meta.shopify_signals).toContain("header:powered-by");
    const [step] = await svc.db.db
      .select()
      .from(jobSteps)
      .where(and(eq(jobSteps.jobId, job.id), eq(jobSteps.step, "audit")));
    expect(step?.status).toBe("completed");
    expect(step?.detail).toMatchObject({ mode: "static", reason: "AUDIT_BROWSER=off" });
  });

  test("without meta.json the currency comes from Shopify.currency, never assumed", async () => {
    const job = await audit(NO_META);
    expect(job.shopMeta).toMatchObject({
      currency: "JPY",
      published_products_count: null,
      primary_domain: NO_META,
      myshopify_domain: "maison-demo.myshopify.com",
    });
  });

  test("publishes status at start and end, then the completed step", async () => {
    const job = await insertJob(svc, DEMO);
    const watch = watchProgress(svc, job.id);
    await auditStage(svc, deps).handle(await stageRunFor(svc, job.id, "audit", "audit"));
    await watch.stop();
    expect(watch.events.map((e) => [e.type, e.progress ?? e.status])).toEqual([
      ["status", 0.05],
      ["status", 0.15],
      ["step", "completed"],
    ]);
  });

  test("fails a password-protected store with the reference message", async () => {
    const job = await insertJob(svc, LOCKED);
    const run = auditStage(svc, deps).handle(await stageRunFor(svc, job.id, "audit", "audit"));
    await expect(run).rejects.toMatchObject({
      code: "password_protected",
      message: PASSWORD_PROTECTED_MESSAGE,
      retryable: false,
    });
  });

  test("retries a store answering 503", async () => {
    const job = await insertJob(svc, FLAKY);
    const error = await auditStage(svc, deps)
      .handle(await stageRunFor(svc, job.id, "audit", "audit"))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "store_unreachable", retryable: true });
  });

  test("the screenshot joins the job's downloads and survives the exporter's files", async () => {
    const job = await insertJob(svc, DEMO);
    const target = { db: svc.db, storage: deps.storage, retentionDays: 90 };
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    expect(await saveScreenshot(target, job.id, png)).toBe(png.byteLength);
    expect((await reload(svc, job.id)).downloads).toEqual({ screenshot: "screenshot.png" });
    const csv = new Response("Handle\n").body as ReadableStream<Uint8Array>;
    await saveJobFiles(target, job.id, [
      { key: "products.csv", contentType: "text/csv", body: csv },
    ]);
    // A rerun of the audit replaces the file and keeps the exporter's entry.
    await saveScreenshot(target, job.id, png);
    expect((await reload(svc, job.id)).downloads).toEqual({
      screenshot: "screenshot.png",
      csv: "products.csv",
    });
    const stored = await deps.storage.get(job.id, "screenshot.png");
    expect(stored?.contentType).toBe("image/png");
    expect(stored?.size).toBe(png.byteLength);
  });

  test("errors a job whose site only mentions Shopify as not_shopify", async () => {
    const job = await insertJob(svc, PLAIN);
    await publishStage(svc, job.id, "audit");
    const ended = await waitForEnd(svc, job.id);
    expect(ended).toMatchObject({
      status: "errored",
      errorStep: "audit",
      errorCode: "not_shopify",
      errorMessage: NOT_SHOPIFY_MESSAGE,
    });
  });
});
