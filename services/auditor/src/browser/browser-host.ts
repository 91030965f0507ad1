import { accessSync, constants } from "node:fs";
import type { Logger } from "@shopsniffer/shared/log";
import { type Browser, chromium } from "playwright-core";

/** The flags Chromium runs with: headless, no background traffic of its own. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  // Every request is answered by the audit's router; Chromium itself resolves no host, so
  // prefetches and preconnects it makes on its own cannot reach the network either.
  "--host-resolver-rules=MAP * ~NOTFOUND",
];

const LAUNCH_TIMEOUT_MS = 30_000;
/** After a failed launch, the next attempt waits this long (each audit reads static HTML). */
const RETRY_LAUNCH_AFTER_MS = 5 * 60_000;

export interface BrowserHostOptions {
  mode: "auto" | "off";
  executablePath: string;
  log: Logger;
}

/** A browser to render with, or why there is none. */
export type BrowserLease = { browser: Browser } | { reason: string };

/**
 * One Chromium per auditor process: launched on first use (each launch gets a fresh
 * temporary profile), shared by concurrent audits (each in its own context), launched again
 * if it crashed, closed on shutdown.
 */
export interface BrowserHost {
  acquire(): Promise<BrowserLease>;
  /** How many times Chromium was launched so far. */
  launches(): number;
  close(): Promise<void>;
}

export function createBrowserHost(options: BrowserHostOptions): BrowserHost {
  let launching: Promise<Browser> | null = null;
  let failure: { reason: string; at: number } | null = null;
  let closed = false;
  let launches = 0;

  const launch = async (): Promise<Browser> => {
    launches++;
    const browser = await chromium.launch({
      executablePath: options.executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: LAUNCH_TIMEOUT_MS,
    });
    browser.on("disconnected", () => {
      if (!closed) options.log.warn("chromium disconnected; the next audit launches it again");
      launching = null;
    });
    options.log.info({ version: browser.version() }, "chromium launched");
    return browser;
  };

  return {
    async acquire() {
      if (options.mode === "off") return { reason: "AUDIT_BROWSER=off" };
      if (closed) return { reason: "the auditor is shutting down" };
      if (!isExecutable(options.executablePath)) {
        return { reason: `no Chromium at ${options.executablePath}` };
      }
      if (failure && Date.now() - failure.at < RETRY_LAUNCH_AFTER_MS) {
        return { reason: failure.reason };
      }
      launching ??= launch();
      try {
        const browser = await launching;
        failure = null;
        return { browser };
      } catch (error) {
        launching = null;
        const reason = `Chromium failed to start: ${firstLine(error)}`;
        failure = { reason, at: Date.now() };
        options.log.warn({ err: error }, "chromium failed to start");
        return { reason };
      }
    },
    launches: () => launches,
    async close() {
      closed = true;
      const browser = await launching?.catch(() => null);
      launching = null;
      await browser?.close().catch(() => undefined);
    },
  };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first line of an error, without Playwright's call log. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split("\n")[0] ?? text).slice(0, 200);
}
