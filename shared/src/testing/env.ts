import { accessSync, constants, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestNats } from "./nats.ts";
import { prerequisite } from "./prerequisite.ts";

/** Repository root, for spawning services and finding `../shared` fixtures. */
export const REPO_ROOT = new URL("../../../", import.meta.url).pathname;

/** The real storefront captures shipped beside the repository, if present. */
export const REAL_FIXTURES = join(REPO_ROOT, "..", "shared", "fixtures", "real");
export const hasRealFixtures = existsSync(join(REAL_FIXTURES, "PROVENANCE.md"));
if (!hasRealFixtures) {
  console.warn(`real storefront fixtures not found at ${REAL_FIXTURES}; tests using them skip`);
}

/** The Chromium the browser tests drive (Debian's package by default). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const hasChromium = prerequisite(
  (() => {
    try {
      accessSync(CHROMIUM_PATH, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  })(),
  `no Chromium at ${CHROMIUM_PATH}; the browser tests skip`,
);

/** A test's private world: its own NATS server, data directory and subject prefix. */
export interface TestWorld {
  env: Record<string, string>;
  dataDir: string;
  stop(): Promise<void>;
}

/** Starts NATS and makes a temp `DATA_DIR` with a fresh database file for one test file. */
export async function createTestWorld(extra: Record<string, string> = {}): Promise<TestWorld> {
  const nats = await startTestNats();
  const dataDir = mkdtempSync(join(tmpdir(), "shopsniffer-data-"));
  const env = {
    NATS_URL: nats.url,
    DATA_DIR: dataDir,
    DATABASE_URL: `file:${join(dataDir, "test.db")}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "fatal",
    STAGE_BACKOFF_MS: "200,400,800",
    // The crawler's shared politeness budget (10 requests a second by default) would slow every
    // spawned crawler; the politeness tests set their own rate.
    CRAWLER_EGRESS_RATE: "1000",
    ...extra,
  };
  return {
    env,
    dataDir,
    async stop() {
      await nats.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
