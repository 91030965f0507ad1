import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jobFiles } from "@shopsniffer/shared/db/schema";
import { openStorage } from "@shopsniffer/shared/storage/open-storage";
import { createTestWorld, type TestWorld } from "@shopsniffer/shared/testing/env";
import { stageRunFor } from "@shopsniffer/shared/testing/stage-run";
import { eq } from "drizzle-orm";
import type { ExporterService } from "../src/config.ts";
import { purgeExpiredFiles } from "../src/export/cleanup.ts";
import { exportStage } from "../src/export/stage.ts";
import { bootExporter, handMadeProduct, insertJob, insertProducts, reload } from "./helpers.ts";

let world: TestWorld;
let svc: ExporterService;

beforeAll(async () => {
  world = await createTestWorld({ EXPORT_RETENTION_DAYS: "30" });
  svc = await bootExporter(world.env);
});
afterAll(async () => {
  await svc.close();
  await world.stop();
});

async function exportedJob() {
  const job = await insertJob(svc);
  await insertProducts(svc, job.id, [handMadeProduct(1, ["1.00"])]);
  await exportStage(svc).handle(await stageRunFor(svc, job.id, "export", "export"));
  return job.id;
}

const fileRows = (jobId: string) =>
  svc.db.db.select().from(jobFiles).where(eq(jobFiles.jobId, jobId));

describe("expired file cleanup", () => {
  test("files expire after EXPORT_RETENTION_DAYS", async () => {
    const jobId = await exportedJob();
    const rows = await fileRows(jobId);
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      const days = (Date.parse(row.expiresAt ?? "") - Date.parse(row.createdAt)) / 86_400_000;
      expect(days).toBe(30);
    }
  });

  test("removes the bytes of expired files but keeps the job and its file rows", async () => {
    const storage = openStorage(svc.config);
    const expiredJob = await exportedJob();
    const freshJob = await exportedJob();
    await svc.db.write((db) =>
      db
        .update(jobFiles)
        .set({ expiresAt: "2020-01-01T00:00:00Z" })
        .where(eq(jobFiles.jobId, expiredJob)),
    );

    expect(await purgeExpiredFiles(svc.db, storage)).toEqual([expiredJob]);
    expect(await storage.get(expiredJob, "products.csv")).toBeNull();
    expect(await storage.get(freshJob, "products.csv")).not.toBeNull();
    expect((await reload(svc, expiredJob)).downloads?.csv).toBe("products.csv");
    const rows = await fileRows(expiredJob);
    expect(rows).toHaveLength(4);
    expect(rows.every((row) => row.purgedAt !== null)).toBe(true);

    expect(await purgeExpiredFiles(svc.db, storage)).toEqual([]);
  });
});
