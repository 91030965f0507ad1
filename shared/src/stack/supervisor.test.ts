import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Supervisor } from "./supervisor.ts";

const dir = mkdtempSync(join(tmpdir(), "shopsniffer-supervisor-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a service that fails at start leaves its error line in lastError() and in its log", async () => {
  const supervisor = new Supervisor({
    env: { ...process.env, PORT: "not-a-port", DATA_DIR: dir },
    services: ["gateway"],
    restart: false,
    output: { dir },
  });
  supervisor.start("gateway");
  const deadline = Date.now() + 15_000;
  while (!supervisor.lastError("gateway") && Date.now() < deadline) await Bun.sleep(50);
  await supervisor.stop();

  expect(supervisor.lastError("gateway")).toMatch(/^config: PORT: /);
  expect(readFileSync(join(dir, "gateway.log"), "utf8")).toContain("config: PORT: ");
});
