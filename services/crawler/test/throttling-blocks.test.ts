import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { AppError } from "@shopsniffer/shared/errors";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { faultInterceptor, type StorefrontFault } from "@shopsniffer/shared/storefront/faults";
import { runIndexingStage } from "../src/indexing/stage.ts";
import { runSitemapStage } from "../src/sitemap/stage.ts";
import { getStore } from "../src/store-get.ts";
import { storeSession } from "../src/store-session.ts";
import { type Harness, startHarness } from "./harness.ts";
import { jobCounts, stepRecord } from "./rows.ts";

const DOMAIN = "demo.shopsniffer.test";
const store = generateDemoStore({ productCount: 300, seed: 3 });
type Intercept = (request: Request) => Response | undefined | Promise<Response | undefined>;
let intercept: Intercept | null = null;
let h: Harness;

beforeAll(async () => {
  h = await startHarness(
    { store },
    DOMAIN,
    { intercept: (request) => intercept?.(request) },
    { CRAWLER_MAX_RETRY_AFTER_MS: "1000", CRAWLER_CONCURRENCY_GROW_AFTER: "1000" },
  );
});
afterEach(() => {
  intercept = null;
});
afterAll(async () => {
  await h?.stop();
});

const PRODUCTS_JSON = /^\/products\.json/;

/** A session whose waits are recorded instead of slept. */
function recordingSession() {
  const session = storeSession(h.deps.fetchStore, h.deps.svc.config);
  const waits: number[] = [];
  session.sleep = async (ms) => {
    waits.push(ms);
  };
  return { session, waits };
}

async function waitsFor(retryAfter: string): Promise<number[]> {
  intercept = faultInterceptor([{ kind: "throttle", match: PRODUCTS_JSON, times: 2, retryAfter }]);
  const { session, waits } = recordingSession();
  const answer = await getStore(session, `https://${DOMAIN}/products.json`, "application/json");
  await answer.response.body?.cancel();
  expect(answer.response.status).toBe(200);
  expect(session.signals.throttled).toBe(2);
  expect(session.limiter.limit).toBe(1);
  return waits;
}

type Answer = (url: URL) => Response | undefined;

/** 404 for `path` the way a store that disabled it answers; other paths pass. */
const disabled =
  (path: string): Answer =>
  (url) =>
    url.pathname === path ? Response.json({ errors: "Not Found" }, { status: 404 }) : undefined;

/**
 * Runs a job's sitemap stage, then its indexing stage with `faults` (after `first`, which
 * may answer a request itself); the error, if any, and the products step's record.
 */
async function crawlWith(faults: StorefrontFault[], first: Answer = () => undefined) {
  const jobId = await h.createJob();
  await runSitemapStage(h.deps, await h.stageRun(jobId, "sitemap"));
  const fault = faultInterceptor(faults);
  intercept = (request) => first(new URL(request.url)) ?? fault(request);
  const error = await runIndexingStage(h.deps, await h.stageRun(jobId, "indexing")).then(
    () => null,
    (e: unknown) => e,
  );
  const step = await stepRecord(h.deps.svc.db, jobId, "indexing-products");
  return { jobId, error, detail: step?.detail, status: step?.status };
}

function expectBlocked(error: unknown) {
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code: "upstream_failed", retryable: true });
  expect((error as AppError).message).toStartWith("Blocked by the store");
}

describe("throttling", () => {
  test("Retry-After in integer, decimal seconds or as an HTTP date is honoured, capped", async () => {
    expect(await waitsFor("0")).toEqual([0, 0]);
    expect(await waitsFor("0.15")).toEqual([150, 150]);
    expect(await waitsFor("3600")).toEqual([1000, 1000]);
    const inAnHour = new Date(Date.now() + 3_600_000).toUTCString();
    expect(await waitsFor(inAnHour)).toEqual([1000, 1000]);
    expect(await waitsFor("Thu, 01 Jan 1970 00:00:00 GMT")).toEqual([0, 0]);
  });

  test("an unparseable Retry-After falls back to an exponential wait", async () => {
    expect(await waitsFor("soon")).toEqual([500, 1000]);
  });

  test("a few 429s slow the job down but it completes, with the throttling recorded", async () => {
    const retryAfter = new Date(Date.now() - 1000).toUTCString();
    const throttle = { kind: "throttle" as const, match: PRODUCTS_JSON, times: 2, retryAfter };
    const { error, detail } = await crawlWith([throttle]);
    expect(error).toBeNull();
    expect(detail).toMatchObject({ outcome: "complete", throttled: 2, products: 300 });
  });

  test("a store that keeps answering 429 fails the step as rate limited", async () => {
    const throttle = { kind: "throttle" as const, match: PRODUCTS_JSON, retryAfter: "0" };
    const { error, detail } = await crawlWith([throttle]);
    expect(error).toMatchObject({ code: "upstream_failed", retryable: true });
    expect(detail).toMatchObject({ outcome: "rate_limited", throttled: 3 });
  });
});

/**
 * Counts the single-product requests in flight (each held 5 ms), split into those started
 * before and after the crawler retried the one 429 the store sends at request `throttleAt`
 * (the retry shows the crawler has seen the 429).
 */
function concurrencyProbe(throttleAt: number) {
  const probe = { before: 0, after: 0, started: 0 };
  const inFlight = { before: 0, after: 0 };
  let throttledPath: string | null = null;
  let seen = false;
  const answer = async (url: URL): Promise<Response | undefined> => {
    if (!/^\/products\/[^/]+\.json$/.test(url.pathname)) return undefined;
    if (url.pathname === throttledPath) seen = true;
    const phase = seen ? "after" : "before";
    inFlight[phase] += 1;
    probe[phase] = Math.max(probe[phase], inFlight[phase]);
    probe.started += 1;
    const number = probe.started;
    await Bun.sleep(5);
    inFlight[phase] -= 1;
    if (number !== throttleAt) return undefined;
    throttledPath = url.pathname;
    return new Response("slow down", { status: 429, headers: { "retry-after": "0" } });
  };
  return { probe, answer };
}

describe("adaptive concurrency", () => {
  test("a 429 on single product fetches halves how many are in flight", async () => {
    const jobId = await h.createJob();
    await runSitemapStage(h.deps, await h.stageRun(jobId, "sitemap"));
    const { probe, answer } = concurrencyProbe(40);
    const lists = /^\/(products|collections)(\/[^/]+\/products)?\.json$/;
    intercept = async (request) => {
      const url = new URL(request.url);
      if (lists.test(url.pathname)) return Response.json({ errors: "Not Found" }, { status: 404 });
      return answer(url);
    };
    await runIndexingStage(h.deps, await h.stageRun(jobId, "indexing"));
    const step = await stepRecord(h.deps.svc.db, jobId, "indexing-products");
    expect(step?.detail).toMatchObject({ products: 300, throttled: 1 });
    expect(probe.before).toBe(4);
    expect(probe.after).toBe(2);
  });
});

describe("blocks are not an unavailable catalog", () => {
  test("430 Security Rejection mid-list fails the stage as blocked, keeping the products", async () => {
    const match = /^\/products\.json\?.*page=2/;
    const { jobId, error, detail, status } = await crawlWith([
      { kind: "security-rejection", match },
    ]);
    expectBlocked(error);
    expect(status).not.toBe("completed");
    expect(detail).toMatchObject({ outcome: "blocked", blocked: "HTTP 430 on /products.json" });
    expect((await jobCounts(h.deps.svc.db, jobId)).products).toBe(250);
  });

  test("403 with cf-mitigated: challenge on products.json is a block, not a 403", async () => {
    const { error, detail } = await crawlWith([{ kind: "challenge", match: PRODUCTS_JSON }]);
    expectBlocked(error);
    expect(detail).toMatchObject({ outcome: "blocked", products: 0 });
  });

  test("a challenge page served with 200 where JSON was asked for is a block", async () => {
    const match = /^\/collections\.json/;
    const { error, detail } = await crawlWith([{ kind: "challenge-page", match }]);
    expectBlocked(error);
    expect(detail).toMatchObject({ outcome: "blocked", products: 300 });
  });

  test("a challenge on single product fetches is a block too", async () => {
    const single = /^\/products\/[^/]+\.json/;
    const { error, detail } = await crawlWith(
      [{ kind: "challenge", match: single }],
      disabled("/products.json"),
    );
    expectBlocked(error);
    expect(detail).toMatchObject({ outcome: "blocked" });
    expect(String((detail as { blocked?: string }).blocked)).toMatch(/^HTTP 403 on \/products\//);
  });
});

describe("catalog outcomes", () => {
  test("a store that serves everything is complete", async () => {
    const { detail } = await crawlWith([]);
    expect(detail).toMatchObject({ outcome: "complete", products: 300 });
    expect(detail).not.toHaveProperty("throttled");
  });

  test("without products.json the catalog is marked endpoints_disabled", async () => {
    const { detail } = await crawlWith([], disabled("/products.json"));
    expect(detail).toMatchObject({ outcome: "endpoints_disabled", products: 300 });
  });

  test("fewer products than meta.json announces is partial", async () => {
    const { detail } = await crawlWith([], (url) =>
      url.pathname === "/meta.json" ? Response.json({ published_products_count: 400 }) : undefined,
    );
    expect(detail).toMatchObject({ outcome: "partial", products: 300 });
  });
});
