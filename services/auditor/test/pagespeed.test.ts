import { afterAll, beforeAll, expect, test } from "bun:test";
import { jobSteps } from "@shopsniffer/shared/db/schema";
import { bootService } from "@shopsniffer/shared/service";
import { createTestWorld, type TestWorld } from "@shopsniffer/shared/testing/env";
import { stageRunFor, watchProgress } from "@shopsniffer/shared/testing/stage-run";
import { eq } from "drizzle-orm";
import { type AuditorService, auditorConfigSchema } from "../src/config.ts";
import { createPagespeedProvider } from "../src/pagespeed/provider.ts";
import { pagespeedStage } from "../src/pagespeed/stage.ts";
import { insertJob } from "./helpers.ts";

const REASON = "no PageSpeed provider configured (PAGESPEED_PROVIDER=none)";

let world: TestWorld;
let svc: AuditorService;

beforeAll(async () => {
  world = await createTestWorld();
  svc = await bootService("auditor", auditorConfigSchema, world.env);
});
afterAll(async () => {
  await svc.close();
  await world.stop();
});

test("without a provider the step is skipped with its reason and no numbers", async () => {
  expect(svc.config.PAGESPEED_PROVIDER).toBe("none");
  const job = await insertJob(svc, "shop.example.com");
  const watch = watchProgress(svc, job.id);
  const provider = createPagespeedProvider(svc.config);
  await pagespeedStage(svc, provider).handle(
    await stageRunFor(svc, job.id, "pagespeed", "pagespeed"),
  );
  await watch.stop();

  const [step] = await svc.db.db.select().from(jobSteps).where(eq(jobSteps.jobId, job.id));
  expect(step).toMatchObject({ step: "pagespeed", status: "skipped" });
  expect(step?.detail).toEqual({
    provider: "none",
    reason: REASON,
    timing: { sample_ms: expect.any(Number), measure_ms: expect.any(Number) },
  });
  expect(watch.events.at(-1)).toMatchObject({
    type: "step",
    step: "pagespeed",
    status: "skipped",
    completed: true,
    reason: REASON,
  });
});
