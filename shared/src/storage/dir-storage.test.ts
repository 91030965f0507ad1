import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dirStorage, removeStaleTemps, STALE_TEMP_MS } from "./dir-storage.ts";

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

  test("a process's first write removes temporary files of dead writes, not live ones", async () => {
    const shared = mkdtempSync(join(tmpdir(), "shopsniffer-storage-"));
    const folder = join(shared, "job-9");
    const twoHoursAgo = new Date(Date.now() - 2 * STALE_TEMP_MS);
    mkdirSync(folder);
    for (const name of [".tmp-dead", ".tmp-live", "old.csv"]) {
      writeFileSync(join(folder, name), "partial");
    }
    utimesSync(join(folder, ".tmp-dead"), twoHoursAgo, twoHoursAgo);
    utimesSync(join(folder, "old.csv"), twoHoursAgo, twoHoursAgo);

    await dirStorage(shared).put("job-10", "a.csv", new TextEncoder().encode("a"), "text/csv");
    const deadline = Date.now() + 5_000;
    while (readdirSync(folder).includes(".tmp-dead") && Date.now() < deadline) await Bun.sleep(20);
    expect(readdirSync(folder).sort()).toEqual([".tmp-live", "old.csv"]);
    rmSync(shared, { recursive: true, force: true });
  });

  test("a sweep counts what it removed and leaves finished files alone", async () => {
    const shared = mkdtempSync(join(tmpdir(), "shopsniffer-storage-"));
    mkdirSync(join(shared, "job-1"));
    writeFileSync(join(shared, "job-1", ".tmp-a"), "x");
    writeFileSync(join(shared, "job-1", "a.csv"), "x");
    expect(await removeStaleTemps(shared, new Date(0))).toBe(0);
    expect(await removeStaleTemps(shared, new Date(Date.now() + 60_000))).toBe(1);
    expect(readdirSync(join(shared, "job-1"))).toEqual(["a.csv"]);
    rmSync(shared, { recursive: true, force: true });
  });

  test("refuses names that would leave the storage folder", async () => {
    await expect(storage.get("..", "a.csv")).rejects.toThrow("unsafe");
    await expect(storage.put("job-3", "../x", new Uint8Array(), "text/plain")).rejects.toThrow(
      "unsafe",
    );
  });
});
