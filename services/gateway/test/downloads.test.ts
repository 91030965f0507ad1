import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jobFiles, jobs } from "@shopsniffer/shared/db/schema";
import { openStorage } from "@shopsniffer/shared/storage/open-storage";
import { isoNow } from "@shopsniffer/shared/time";
import { type GatewayHarness, startGateway } from "./harness.ts";

let gw: GatewayHarness;

beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw.stop();
});

const CSV = 'Handle,Title\r\nété,"a, b"\r\n';

/** A completed job with `products.csv` in storage, expiring at `expiresAt`. */
async function jobWithCsv(expiresAt = "2999-01-01T00:00:00Z", store = true) {
  const id = crypto.randomUUID();
  const now = isoNow();
  const bytes = new TextEncoder().encode(CSV);
  if (store) await openStorage(gw.svc.config).put(id, "products.csv", bytes, "text/csv");
  await gw.svc.db.write(async (db) => {
    await db.insert(jobs).values({
      id,
      domain: "shop.example.com",
      slug: "shop-example-com",
      status: "completed",
      createdAt: now,
      updatedAt: now,
      downloads: { csv: "products.csv" },
    });
    await db.insert(jobFiles).values({
      jobId: id,
      key: "products.csv",
      contentType: "text/csv",
      sizeBytes: bytes.byteLength,
      createdAt: now,
      expiresAt,
    });
  });
  return id;
}

const download = (jobId: string, headers: Record<string, string> = {}) =>
  gw.request(`/api/downloads?jobId=${jobId}&key=products.csv`, { headers });

describe("GET /api/downloads", () => {
  test("streams the file with its type, length, name and caching headers", async () => {
    const id = await jobWithCsv();
    const res = await download(id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv");
    expect(res.headers.get("content-length")).toBe(String(new TextEncoder().encode(CSV).length));
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="shop-example-com-products.csv"',
    );
    expect(res.headers.get("cache-control")).toBe("private, max-age=3600");
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-z]+-[0-9a-z]+"$/);
    expect(await res.text()).toBe(CSV);
  });

  test("answers 304 to a matching If-None-Match", async () => {
    const id = await jobWithCsv();
    const etag = (await download(id)).headers.get("etag") ?? "";
    const res = await download(id, { "if-none-match": `W/"other", ${etag}` });
    expect(res.status).toBe(304);
    expect(res.headers.get("etag")).toBe(etag);
    expect(await res.text()).toBe("");
    expect((await download(id, { "if-none-match": '"other"' })).status).toBe(200);
  });

  test("answers 410 once the file has expired", async () => {
    const id = await jobWithCsv("2020-01-01T00:00:00Z");
    const res = await download(id);
    expect(res.status).toBe(410);
    expect(await res.json()).toEqual({ error: "This file has expired", code: "gone" });
  });

  test("answers 404 when the file is not in storage or not recorded", async () => {
    const missing = await download(await jobWithCsv(undefined, false));
    expect(missing.status).toBe(404);
    const id = await jobWithCsv();
    const other = await gw.request(`/api/downloads?jobId=${id}&key=pages.json`);
    expect(other.status).toBe(404);
  });
});
