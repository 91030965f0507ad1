import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import type { FileStorage } from "./file-storage.ts";
import { openStorage } from "./open-storage.ts";

// A real S3 API server (s3rver) on a random port, reached through Bun's S3Client.
const dir = mkdtempSync(join(tmpdir(), "shopsniffer-s3-"));
const server = new S3rver({
  port: 0,
  address: "127.0.0.1",
  silent: true,
  directory: dir,
  configureBuckets: [{ name: "exports", configs: [] }],
});
let storage: FileStorage;

beforeAll(async () => {
  const { port } = await server.run();
  storage = openStorage({
    DATA_DIR: dir,
    STORAGE_URL: "s3://exports/shopsniffer",
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_REGION: "us-east-1",
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
  });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function streamOf(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

describe("S3 storage", () => {
  test("stores a stream and returns it with its size and type", async () => {
    const parts = Array.from({ length: 2_000 }, (_, i) => `row ${i},"é"\r\n`);
    const { size } = await storage.put("job-1", "products.csv", streamOf(parts), "text/csv");
    const file = await storage.get("job-1", "products.csv");
    expect(file?.size).toBe(size);
    expect(file?.contentType).toStartWith("text/csv");
    expect(await new Response(file?.body).text()).toBe(parts.join(""));
  });

  test("a source that fails midway leaves no truncated object to serve", async () => {
    let sent = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 3) controller.enqueue(new TextEncoder().encode("x".repeat(1_000)));
        else controller.error(new Error("source broke"));
      },
    });
    await expect(storage.put("job-3", "products.csv", failing, "text/csv")).rejects.toThrow();
    expect(await storage.get("job-3", "products.csv")).toBeNull();
  });

  test("lists files older than a date, deletes a job's files, and misses cleanly", async () => {
    await storage.put("job-2", "pages.json", new TextEncoder().encode("[]"), "application/json");
    const listed = await storage.list(new Date(Date.now() + 60_000));
    expect(listed.map((e) => `${e.jobId}/${e.key}`).sort()).toEqual([
      "job-1/products.csv",
      "job-2/pages.json",
    ]);
    await storage.delete("job-1");
    expect(await storage.get("job-1", "products.csv")).toBeNull();
    expect(await storage.get("job-9", "nothing.csv")).toBeNull();
  });
});
