import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestWorld, type TestWorld } from "@shopsniffer/shared/testing/env";
import { stageRunFor } from "@shopsniffer/shared/testing/stage-run";
import type { ExporterService } from "../src/config.ts";
import { insightsStage } from "../src/insights/stage.ts";
import { bootExporter, insertJob, insertProducts, type RawProduct, reload } from "./helpers.ts";

let world: TestWorld;
let svc: ExporterService;

beforeAll(async () => {
  world = await createTestWorld();
  svc = await bootExporter(world.env);
});
afterAll(async () => {
  await svc.close();
  await world.stop();
});

type Variant = [id: number, price: string, available: boolean | null];

function product(id: number, handle: string, variants: Variant[]): RawProduct {
  return {
    id,
    handle,
    title: handle,
    variants: variants.map(([variantId, price, available]) => ({
      id: variantId,
      price,
      ...(available === null ? {} : { available }),
    })),
  };
}

/** Inserts a job of `domain` with `list` as its catalog. */
async function jobOf(
  domain: string,
  createdAt: string,
  status: "completed" | "errored" | "processing",
  list: RawProduct[],
) {
  const completedAt = status === "completed" ? createdAt.replace("T00", "T01") : null;
  const job = await insertJob(svc, { domain, createdAt, status, completedAt });
  await insertProducts(svc, job.id, list);
  return job;
}

/** Runs the insights stage on the job and returns its `changes`. */
async function changesOf(jobId: string) {
  await insightsStage(svc).handle(await stageRunFor(svc, jobId, "insights", "insights"));
  return ((await reload(svc, jobId)).insights as Record<string, unknown>).changes;
}

const BEFORE: RawProduct[] = [
  product(1, "kept-a", [
    [101, "0.10", true],
    [102, "19.99", false],
    [103, "5", true],
    [104, "7.00", null],
  ]),
  product(2, "kept-b", [
    [201, "10.00", true],
    [202, "100.00", true],
  ]),
  product(3, "gone", [[301, "1.00", true]]),
  product(4, "gone-too", [[401, "2.00", false]]),
];

const AFTER: RawProduct[] = [
  product(1, "kept-a", [
    [101, "0.20", true],
    [102, "19.99", true],
    [103, "5.00", true],
    [104, "7.00", true],
    [105, "3.00", true],
  ]),
  product(2, "kept-b", [
    [201, "10.00", false],
    [202, "99.99", true],
  ]),
  product(5, "new-one", [[501, "1.00", false]]),
];

describe("changes since the previous completed job", () => {
  test("added, removed, repriced, restocked and sold-out items match the catalogs", async () => {
    const domain = "changes.example";
    const previous = await jobOf(domain, "2025-06-01T00:00:00.000Z", "completed", BEFORE);
    // Neither an errored job of the store nor another store's job is the previous one.
    await jobOf(domain, "2025-06-02T00:00:00.000Z", "errored", []);
    await jobOf("other.example", "2025-06-03T00:00:00.000Z", "completed", []);
    const current = await jobOf(domain, "2025-06-04T00:00:00.000Z", "processing", AFTER);
    // A later completed job is not "previous" either.
    await jobOf(domain, "2025-06-05T00:00:00.000Z", "completed", []);

    expect(await changesOf(current.id)).toEqual({
      previous_job_id: previous.id,
      previous_completed_at: "2025-06-01T01:00:00.000Z",
      products_added: { count: 1, examples: ["new-one"] },
      products_removed: { count: 2, examples: ["gone", "gone-too"] },
      price_changes: {
        count: 2,
        increased: 1,
        decreased: 1,
        examples: [
          { handle: "kept-a", variant_id: 101, from: "0.10", to: "0.20" },
          { handle: "kept-b", variant_id: 202, from: "100.00", to: "99.99" },
        ],
      },
      restocks: { count: 1, examples: [{ handle: "kept-a", variant_id: 102 }] },
      sell_outs: { count: 1, examples: [{ handle: "kept-b", variant_id: 201 }] },
    });
  });

  test("a store's first completed job has no changes, whatever other stores did", async () => {
    await jobOf("elsewhere.example", "2025-06-01T00:00:00.000Z", "completed", BEFORE);
    const first = await jobOf("first.example", "2025-06-04T00:00:00.000Z", "processing", AFTER);
    expect(await changesOf(first.id)).toBeNull();
  });

  test("examples stop at ten while counts go on", async () => {
    const domain = "many.example";
    await jobOf(domain, "2025-06-01T00:00:00.000Z", "completed", []);
    const list = Array.from({ length: 12 }, (_, i) => product(i + 1, `p-${i + 1}`, []));
    const current = await jobOf(domain, "2025-06-02T00:00:00.000Z", "processing", list);
    const changes = (await changesOf(current.id)) as { products_added: unknown };
    expect(changes.products_added).toEqual({
      count: 12,
      examples: list.slice(0, 10).map((p) => p.handle),
    });
  });
});
