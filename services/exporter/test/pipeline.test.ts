import { afterAll, beforeAll, expect, test } from "bun:test";
import { publishStage, runStages } from "@shopsniffer/shared/nats/stage-runner";
import { createTestWorld, type TestWorld } from "@shopsniffer/shared/testing/env";
import type { ExporterService } from "../src/config.ts";
import { exportStage } from "../src/export/stage.ts";
import { insightsStage } from "../src/insights/stage.ts";
import { notifyStage } from "../src/notify/stage.ts";
import { bootExporter, handMadeProduct, insertJob, insertProducts, reload } from "./helpers.ts";

let world: TestWorld;
let svc: ExporterService;
let stop: () => Promise<void>;

beforeAll(async () => {
  world = await createTestWorld();
  svc = await bootExporter(world.env);
  stop = await runStages(svc, [insightsStage(svc), exportStage(svc), notifyStage(svc)], {
    ackWaitMs: 5_000,
    maxAttempts: 2,
    backoffMs: [100],
    concurrency: 2,
  });
});
afterAll(async () => {
  await stop();
  await svc.close();
  await world.stop();
});

test("a job entering the insights stage runs through export and notify to completed", async () => {
  const job = await insertJob(svc, { shopMeta: { currency: "EUR" } });
  await insertProducts(svc, job.id, [handMadeProduct(1, ["0.10", "0.20"])]);
  await publishStage(svc, job.id, "insights");

  const deadline = Date.now() + 10_000;
  let current = await reload(svc, job.id);
  while (current.status !== "completed" && current.status !== "errored" && Date.now() < deadline) {
    await Bun.sleep(50);
    current = await reload(svc, job.id);
  }
  expect(current.status).toBe("completed");
  expect(current.insights?.price_range).toEqual({ min: 0.1, max: 0.2, avg: 0.15 });
  expect(current.downloads?.csv).toBe("products.csv");
});
