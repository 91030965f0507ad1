import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { parse } from "csv-parse/sync";
import { DEMO_DOMAIN, generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import { hasSqld } from "@shopsniffer/shared/testing/sqld";
import { followJob, type ProgressMessage } from "../../../scripts/lib/analyze.ts";
import { type Cluster, createJob, startCluster } from "./chaos-stack.ts";

// Two crawler and two gateway processes (plus an auditor and an exporter) on one nats-server
// and one libSQL server, as a scaled-out deployment runs them.
setDefaultTimeout(120_000);

const PRODUCTS = 300;
const JOBS = 6;

let store: RunningStorefront;
let cluster: Cluster;

describe.skipIf(!hasSqld)("two crawlers and two gateways on one NATS and one sqld", () => {
  beforeAll(async () => {
    // 150 ms a JSON answer: each crawl stage lasts long enough for the other crawler to take
    // the next job's stage meanwhile.
    store = await startStorefront(
      { store: generateDemoStore({ productCount: PRODUCTS }) },
      { latencyMs: 150 },
    );
    cluster = await startCluster({
      database: "sqld",
      instances: [
        ["gateway", "crawler", "auditor", "exporter"],
        ["gateway", "crawler"],
      ],
      // One job at a time per crawler, so queued stages must go to the other one.
      // The key may create JOBS jobs a day: the counts live in the database both gateways share.
      env: {
        STORE_ORIGINS: `${DEMO_DOMAIN}=${store.origin}`,
        CRAWLER_JOB_CONCURRENCY: "1",
        RATE_LIMIT_JOBS_PER_KEY: String(JOBS),
        RATE_LIMIT_WINDOW_SECONDS: "86400",
      },
    });
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
    await store?.stop();
  }, 30_000);

  test("jobs complete once each, crawl work is shared, both gateways stream everything, limits hold", async () => {
    const [a = "", b = ""] = cluster.instances.map((instance) => instance.gatewayUrl ?? "");
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++)
      ids.push(await createJob(i % 2 ? b : a, cluster.apiKey, DEMO_DOMAIN));
    // Each gateway saw JOBS / 2 requests, yet both refuse the next: the limit is shared.
    for (const gateway of [a, b]) {
      const refused = await fetch(`${gateway}/api/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": cluster.apiKey },
        body: JSON.stringify({ domain: DEMO_DOMAIN }),
      });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // A client on each gateway follows every job from its creation to its end.
    const streams = await Promise.all(
      ids.map((id) => Promise.all([followJob(a, id), followJob(b, id)])),
    );
    for (const [i, [viaA, viaB]] of streams.entries()) {
      expectOneCompletion(ids[i] ?? "", viaA);
      expect(viaB).toEqual(viaA);
    }
    for (const id of ids) await expectExactExport(a, id);

    const done = cluster.instances.map((instance) =>
      instance.logLines("crawler").filter((line) => line.msg === "stage done"),
    );
    // Work is shared: each crawler process finished some stages.
    for (const lines of done) expect(lines.length).toBeGreaterThan(0);
    // Once each: every job's sitemap and indexing stage finished exactly once across both.
    const finished = done.flat().map((line) => `${line.jobId}/${line.stage}`);
    expect(finished.sort()).toEqual(
      ids.flatMap((id) => [`${id}/indexing`, `${id}/sitemap`]).sort(),
    );
  });
});

function expectOneCompletion(jobId: string, messages: ProgressMessage[]) {
  expect(messages.filter((m) => m.type === "complete")).toHaveLength(1);
  expect(messages.at(-1)).toMatchObject({ type: "complete", job_id: jobId });
  expect(messages.filter((m) => m.type === "error")).toHaveLength(0);
}

async function expectExactExport(gatewayUrl: string, jobId: string) {
  const status = await fetch(`${gatewayUrl}/api/jobs/${jobId}/status`).then((r) => r.json());
  expect(status).toMatchObject({ status: "completed", product_count: PRODUCTS });
  const csv = await fetch(`${gatewayUrl}/api/downloads?jobId=${jobId}&key=products.csv`);
  const rows: Array<Record<string, string>> = parse(await csv.text(), { columns: true, bom: true });
  const handles = rows.filter((row) => row.Title).map((row) => row.Handle);
  expect(handles).toHaveLength(PRODUCTS);
  expect(new Set(handles).size).toBe(PRODUCTS);
}
