import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dirStorage } from "./dir-storage.ts";

const root = mkdtempSync(join(tmpdir(), "shopsniffer-storage-"));
const storage = dirStorage(root);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const read = async (body: ReadableStream<Uint8Array>) => new Response(body).text();

function streamOf(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

describe("directory storage", () => {
  test("stores a stream and returns it with its size, type and time", async () => {
    const { size } = await storage.put("job-1", "a.csv", streamOf(["é,", "b\r\n"]), "text/csv");
    expect(size).toBe(6);
    const file = await storage.get("job-1", "a.csv");
    expect(file?.size).toBe(6);
    expect(file?.contentType).toBe("text/csv");
    expect(await read(file?.body ?? streamOf([]))).toBe("é,b\r\n");
    expect(readdirSync(join(root, "job-1")).some((name) => name.startsWith(".tmp-"))).toBe(false);
  });

  test("replaces a file and leaves nothing behind when a write fails", async () => {
    await storage.put("job-2", "x.json", new TextEncoder().encode("[1]"), "application/json");
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error("source broke"));
      },
    });
    await expect(storage.put("job-2", "x.json", failing, "application/json")).rejects.toThrow();
    await Bun.sleep(10);
    const file = await storage.get("job-2", "x.json");
    expect(await read(file?.body ?? streamOf([]))).toBe("[1]");
    expect(readdirSync(join(root, "job-2")).some((name) => name.startsWith(".tmp-"))).toBe(false);
  });

  test("lists files older than a date and deletes a job's files", async () => {
    const listed = await storage.list(new Date(Date.now() + 60_000));
    expect(listed.map((e) => `${e.jobId}/${e.key}`).sort()).toEqual([
      "job-1/a.csv",
      "job-2/x.json",
    ]);
    expect(await storage.list(new Date(0))).toEqual([]);
    await storage.delete("job-1");
    await storage.delete("job-1");
    expect(await storage.get("job-1", "a.csv")).toBeNull();
  });

  test("refuses names that would leave the storage folder", async () => {
    await expect(storage.get("..", "a.csv")).rejects.toThrow("unsafe");
    await expect(storage.put("job-3", "../x", new Uint8Array(), "text/plain")).rejects.toThrow(
      "unsafe",
    );
  });
});
