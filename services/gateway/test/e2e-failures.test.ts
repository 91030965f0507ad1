import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { bootService } from "@shopsniffer/shared/service";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { DEMO_DOMAIN, generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import { hasChromium } from "@shopsniffer/shared/testing/env";
import { analyze, followJob } from "../../../scripts/lib/analyze.ts";
import { createApp } from "../src/app.ts";
import { gatewayConfigSchema } from "../src/config.ts";
import { storeChecker } from "../src/store-check.ts";
import { pollStatus, type StackHarness, startStackHarness } from "./stack-harness.ts";

// These tests run the four services as processes; a job takes seconds, not milliseconds.
setDefaultTimeout(60_000);

const MAX_ATTEMPTS = 3;
const stores: RunningStorefront[] = [];
let harness: StackHarness;

/** A demo store whose sitemap answers `status`. */
function storeWithSitemapStatus(status: number) {
  return startStorefront(
    { store: generateDemoStore({ productCount: 3 }) },
    {
      intercept: (request) =>
        new URL(request.url).pathname === "/sitemap.xml"
          ? new Response("unavailable", { status })
          : undefined,
    },
  );
}

beforeAll(async () => {
  const healthy = await startStorefront({ store: generateDemoStore({ productCount: 40 }) });
  const missing = await storeWithSitemapStatus(404);
  const failing = await storeWithSitemapStatus(502);
  stores.push(healthy, missing, failing);
  harness = await startStackHarness({
    STORE_ORIGINS: [
      `${DEMO_DOMAIN}=${healthy.origin}`,
      `no-sitemap.example=${missing.origin}`,
      `failing.example=${failing.origin}`,
    ].join(","),
    STAGE_MAX_DELIVER: String(MAX_ATTEMPTS),
    STAGE_BACKOFF_MS: "100,200",
  });
}, 60_000);

afterAll(async () => {
  await harness?.stop();
  await Promise.all(stores.map((s) => s.stop()));
}, 30_000);

const run = (domain: string) =>
  analyze({ baseUrl: harness.stack.gatewayUrl, apiKey: harness.apiKey, domain });

describe("failed jobs", () => {
  test("a store without a sitemap errors at once, kept for inspection", async () => {
    const { job, messages } = await run("no-sitemap.example");
    expect(job.status).toBe("errored");
    expect(job.error).toMatchObject({ step: "sitemap", code: "upstream_failed", attempts: 1 });
    expect(messages.at(-1)).toMatchObject({
      type: "error",
      job_id: job.id,
      step: "sitemap",
      error: "No sitemap found at https://no-sitemap.example/sitemap.xml.",
    });
  });

  test("a store that keeps failing is retried, then errors with the attempt count", async () => {
    const { job, messages } = await run("failing.example");
    expect(job.status).toBe("errored");
    expect(job.error).toMatchObject({ step: "sitemap", attempts: MAX_ATTEMPTS });
    expect(messages.filter((m) => m.type === "error")).toHaveLength(1);
  });

  test("an errored job can be retried as a new job; the original stays", async () => {
    const { job } = await run("no-sitemap.example");
    const base = harness.stack.gatewayUrl;
    const res = await fetch(`${base}/api/jobs/${job.id}/retry`, {
      method: "POST",
      headers: { "x-api-key": harness.apiKey },
    });
    expect(res.status).toBe(201);
    const retried = (await res.json()).job;
    expect(retried).toMatchObject({ domain: job.domain, slug: job.slug, status: "pending" });
    expect(retried.id).not.toBe(job.id);
    await pollStatus(base, retried.id, (s) => s.status === "errored");
    const original = await fetch(`${base}/api/jobs/${job.id}`).then((r) => r.json());
    expect(original.job).toMatchObject({ id: job.id, status: "errored", retry_of: null });
  });
});

describe("progress over WebSocket", () => {
  test("a late client, on another gateway replica, replays the whole job", async () => {
    const first = await run(DEMO_DOMAIN);
    expect(first.job.status).toBe("completed");
    const replica = await bootService("gateway", gatewayConfigSchema, harness.stack.env);
    const fetchStore = createStoreFetcher({ origins: new Map(), timeoutMs: 1_000 });
    const app = createApp({ svc: replica, fetchStore, checkStore: storeChecker(fetchStore) });
    const server = app.listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const replayed = await followJob(`http://127.0.0.1:${server.server?.port}`, first.job.id);
      expect(replayed).toEqual(first.messages);
    } finally {
      await app.stop();
      await replica.close();
    }
  });

  test("an unknown job gets an error message and a close", async () => {
    const base = harness.stack.gatewayUrl;
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-job"]) {
      expect(await followJob(base, id)).toEqual([
        { type: "error", job_id: id, error: "Job not found", code: "not_found" },
      ]);
    }
  });
});

describe("command line", () => {
  // Async spawns: the storefront serving the store runs in this test process.
  async function cli(...args: string[]) {
    const script = new URL("../../../scripts/cli.ts", import.meta.url).pathname;
    const base = harness.stack.gatewayUrl;
    const proc = Bun.spawn(
      [process.execPath, script, ...args, "--url", base, "--key", harness.apiKey],
      {
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { stdout, stderr, code };
  }

  test("cli analyze follows a job to the end and prints its download links", async () => {
    const { stdout, stderr, code } = await cli("analyze", DEMO_DOMAIN);
    expect(code).toBe(0);
    expect(stdout).toContain("Indexed: 40 products, 7 collections, 5 pages");
    expect(
      stdout.match(/^Download: http:\/\/127\.0\.0\.1:\d+\/api\/downloads\?jobId=/gm),
    ).toHaveLength(hasChromium ? 5 : 4); // the exports, and the screenshot of a rendered audit
    expect(stderr).toContain("100% notify-callbacks");
  });

  test("cli analyze exits 1 with the API's error for a store it cannot analyse", async () => {
    const { stderr, code } = await cli("analyze", "not a domain");
    expect(code).toBe(1);
    expect(stderr).toContain("Invalid domain format.");
  });
});
