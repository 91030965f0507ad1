/**
 * The audit against the real purecane home page (served by the storefront in fixture mode),
 * rendered in Chromium and read as static HTML. Every expected value is read from the
 * captured file here, independently of the audit's own parsing.
 */

import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { jobSteps } from "@shopsniffer/shared/db/schema";
import { bootService } from "@shopsniffer/shared/service";
import { openStorage } from "@shopsniffer/shared/storage/open-storage";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { loadFixtureStore } from "@shopsniffer/shared/storefront/fixture-store";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import {
  CHROMIUM_PATH,
  createTestWorld,
  hasChromium,
  hasRealFixtures,
  REAL_FIXTURES,
  type TestWorld,
} from "@shopsniffer/shared/testing/env";
import { stageRunFor } from "@shopsniffer/shared/testing/stage-run";
import { and, eq } from "drizzle-orm";
import type { ShopMeta } from "../src/audit/shop-meta.ts";
import { type AuditDeps, auditStage } from "../src/audit/stage.ts";
import { type BrowserHost, createBrowserHost } from "../src/browser/browser-host.ts";
import { type AuditorService, auditorConfigSchema } from "../src/config.ts";
import { insertJob, reload } from "./helpers.ts";

setDefaultTimeout(120_000);

const PURECANE = "purecane.com";

/** What the captured home page says, read with plain expressions. */
const fixture = (() => {
  if (!hasRealFixtures) return null;
  const html = readFileSync(join(REAL_FIXTURES, "purecane", "index.html"), "utf8");
  const theme = JSON.parse(/Shopify\.theme = (\{.*?\});/.exec(html)?.[1] ?? "null");
  const scriptSrcs = [...html.matchAll(/<script\b[^>]*\ssrc="([^"]+)"/g)].map(
    (m) => new URL(m[1] ?? "", `https://${PURECANE}/`).href,
  );
  return {
    theme: theme as { name: string; id: number; theme_store_id: number | null; role: string },
    scriptSrcs,
    oneTrustScripts: scriptSrcs.filter((src) => new URL(src).hostname === "cdn.cookielaw.org"),
    definesKlaviyo: html.includes("window.klaviyo=window.klaviyo||"),
  };
})();

let world: TestWorld;
let svc: AuditorService;
let storefront: RunningStorefront;
const hosts: BrowserHost[] = [];

function depsWith(browser: BrowserHost): AuditDeps {
  hosts.push(browser);
  return {
    fetchStore: createStoreFetcher({ origins: svc.config.STORE_ORIGINS, timeoutMs: 20_000 }),
    browser,
    storage: openStorage(svc.config),
  };
}

beforeAll(async () => {
  if (!hasRealFixtures) return;
  const store = loadFixtureStore({ roots: [join(REAL_FIXTURES, "purecane")] });
  storefront = await startStorefront({ fixture: store });
  world = await createTestWorld({
    STORE_ORIGINS: `${PURECANE}=${storefront.origin}`,
    // Offline and deterministic: the page's third-party requests are refused (and recorded).
    AUDIT_THIRD_PARTY: "block",
  });
  svc = await bootService("auditor", auditorConfigSchema, world.env);
});
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  await svc?.close();
  await world?.stop();
  await storefront?.stop();
});

async function audit(deps: AuditDeps) {
  const job = await insertJob(svc, PURECANE);
  await auditStage(svc, deps).handle(await stageRunFor(svc, job.id, "audit", "audit"));
  const row = await reload(svc, job.id);
  const [step] = await svc.db.db
    .select()
    .from(jobSteps)
    .where(and(eq(jobSteps.jobId, job.id), eq(jobSteps.step, "audit")));
  return { job: row, meta: row.shopMeta as unknown as ShopMeta, durationMs: step?.durationMs };
}

function expectThemeFromFixture(meta: ShopMeta) {
  const theme = fixture?.theme;
  expect(theme).toBeTruthy();
  expect(meta.theme_name).toBe(theme?.name ?? "");
  expect(meta.theme_id).toBe(theme?.id ?? 0);
  expect(meta.theme_store_id).toBe(theme?.theme_store_id ?? null);
  expect(meta.theme_role).toBe(theme?.role ?? "");
}

function expectEvidenceEverywhere(meta: ShopMeta) {
  const requested = new Set(meta.page.requests.map((r) => r.url));
  for (const app of meta.apps) {
    expect(app.evidence.length).toBeGreaterThan(0);
    for (const e of app.evidence.filter((x) => x.kind === "script_src")) {
      // Every script an app is known by is in the captured HTML or was requested by the page.
      expect(fixture?.scriptSrcs.includes(e.value) || requested.has(e.value)).toBe(true);
    }
  }
  const oneTrust = meta.apps.find((a) => a.name === "OneTrust");
  expect(fixture?.oneTrustScripts.length).toBeGreaterThan(0);
  expect(oneTrust?.evidence.some((e) => fixture?.oneTrustScripts.includes(e.value))).toBe(true);
  expect(fixture?.definesKlaviyo).toBe(true);
  expect(meta.apps.find((a) => a.name === "Klaviyo")?.evidence).toContainEqual(
    expect.objectContaining({ kind: "js", value: "klaviyo" }),
  );
  expect(meta.detected_apps).toEqual(meta.apps.map((a) => a.name));
}

describe.skipIf(!hasRealFixtures)("audit of the purecane home page", () => {
  test.skipIf(!hasChromium)(
    "in Chromium: theme from window.Shopify, apps, requests, screenshot",
    async () => {
      const browser = createBrowserHost({
        mode: "auto",
        executablePath: CHROMIUM_PATH,
        log: svc.log,
      });
      const deps = depsWith(browser);
      const { job, meta, durationMs } = await audit(deps);
      expect(meta.audit_mode).toBe("browser");
      expect(meta.audit_mode_reason).toBeNull();
      expect(meta.page.globals_source).toBe("window");
      expectThemeFromFixture(meta);
      expectEvidenceEverywhere(meta);
      // The page really ran: Klaviyo's global was read from window, not guessed from text.
      const klaviyoEvidence = meta.apps.find((a) => a.name === "Klaviyo")?.evidence ?? [];
      expect(klaviyoEvidence.find((e) => e.kind === "js")?.detail).toBeUndefined();

      const [document] = meta.page.requests;
      expect(document).toMatchObject({ type: "document", outcome: "store", status: 200 });
      const oneTrust = meta.page.requests.find((r) => fixture?.oneTrustScripts.includes(r.url));
      expect(oneTrust).toMatchObject({ type: "script", outcome: "blocked", status: null });
      const elsewhere = meta.page.requests.filter((r) => new URL(r.url).hostname !== PURECANE);
      expect(elsewhere.length).toBeGreaterThan(0);
      expect(elsewhere.every((r) => r.outcome === "blocked")).toBe(true);

      expect(meta.screenshot).toBe("screenshot.png");
      expect(job.downloads).toEqual({ screenshot: "screenshot.png" });
      const file = await deps.storage.get(job.id, "screenshot.png");
      const bytes = new Uint8Array(await new Response(file?.body).arrayBuffer());
      expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(file?.contentType).toBe("image/png");

      // A second audit reuses the process's browser.
      const again = await audit(deps);
      expect(browser.launches()).toBe(1);
      if (process.env.DEBUG_AUDIT) console.info(JSON.stringify(again.meta, null, 1));
      const times = `${durationMs} ms (launch included), ${again.durationMs} ms reused`;
      console.info(`audit step, browser mode: ${times}`);
    },
  );

  test("from the static HTML when the browser is off, saying so", async () => {
    const browser = createBrowserHost({ mode: "off", executablePath: CHROMIUM_PATH, log: svc.log });
    const { job, meta, durationMs } = await audit(depsWith(browser));
    expect(meta.audit_mode).toBe("static");
    expect(meta.audit_mode_reason).toBe("AUDIT_BROWSER=off");
    expect(meta.page.globals_source).toBe("html");
    expect(meta.page.requests).toEqual([]);
    expectThemeFromFixture(meta);
    expectEvidenceEverywhere(meta);
    expect(meta.screenshot).toBeNull();
    expect(job.downloads).toBeNull();
    console.info(`audit step, static mode: ${durationMs} ms`);
  });

  test("falls back to the static HTML when Chromium is missing", async () => {
    const missing = "/nonexistent/chromium";
    const browser = createBrowserHost({ mode: "auto", executablePath: missing, log: svc.log });
    const { meta } = await audit(depsWith(browser));
    expect(meta.audit_mode).toBe("static");
    expect(meta.audit_mode_reason).toBe(`no Chromium at ${missing}`);
    expect(meta.theme_id).toBe(fixture?.theme.id ?? 0);
  });
});
