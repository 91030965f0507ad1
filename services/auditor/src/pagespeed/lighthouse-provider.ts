import { existsSync } from "node:fs";
import { AppError } from "@shopsniffer/shared/errors";
import { assertPublicHost } from "@shopsniffer/shared/store/address-guard";
import { type LighthouseThrottling, runLighthouse } from "./lighthouse-run.ts";
import type { PagespeedOutcome, PagespeedPage, PagespeedProvider } from "./provider.ts";
import type { PsiStrategy } from "./psi-client.ts";
import type { PsiPageResult } from "./psi-provider.ts";
import { readPsiResponse } from "./psi-response.ts";

/** The `LIGHTHOUSE_*` settings and what else a local run needs (see the auditor's config). */
export interface LighthouseSettings {
  CHROMIUM_PATH: string;
  LIGHTHOUSE_NODE: string;
  LIGHTHOUSE_STRATEGIES: PsiStrategy[];
  LIGHTHOUSE_THROTTLING: LighthouseThrottling;
  LIGHTHOUSE_TIMEOUT_MS: number;
  /** Host → local origin, the same map store fetches use. */
  STORE_ORIGINS: Map<string, string>;
}

/**
 * Local Lighthouse against the system Chromium: every page for each configured strategy,
 * one run at a time per process (runs in parallel would slow each other and skew the
 * numbers). The result has the PSI provider's shape, without field data. A store host in
 * `STORE_ORIGINS` is loaded from its mapped origin, its own host resolved there too; the
 * public URL is what is recorded. A page that could not be measured keeps its `error`.
 */
export function createLighthouseProvider(settings: LighthouseSettings): PagespeedProvider {
  const options = {
    nodePath: settings.LIGHTHOUSE_NODE,
    chromePath: settings.CHROMIUM_PATH,
    throttling: settings.LIGHTHOUSE_THROTTLING,
    timeoutMs: settings.LIGHTHOUSE_TIMEOUT_MS,
  };
  return {
    name: "lighthouse",
    async measure(target) {
      if (!existsSync(settings.CHROMIUM_PATH)) {
        return {
          status: "skipped",
          reason: `no Chromium at ${settings.CHROMIUM_PATH} (CHROMIUM_PATH)`,
        };
      }
      const results: PsiPageResult[] = [];
      const { signal } = target;
      for (const page of target.pages) {
        for (const strategy of settings.LIGHTHOUSE_STRATEGIES) {
          const reading = await oneAtATime(() => {
            signal?.throwIfAborted();
            return measurePage(settings, { ...options, signal }, page, strategy);
          });
          results.push({ ...page, strategy, ...reading });
        }
      }
      signal?.throwIfAborted(); // a run killed by it reads as an error, not a measurement
      return outcome(results, settings);
    },
  };
}

async function measurePage(
  settings: LighthouseSettings,
  options: Parameters<typeof runLighthouse>[0],
  page: PagespeedPage,
  strategy: PsiStrategy,
) {
  const local = await localTarget(settings.STORE_ORIGINS, page.url);
  if ("error" in local) return local;
  options.signal?.throwIfAborted();
  const run = await runLighthouse(options, local.url, strategy, local.hostRules);
  if ("error" in run) return run;
  return readPsiResponse({ lighthouseResult: run.lhr });
}

/**
 * The URL Chromium loads: on a mapped host, the mapped origin with the same path, and a
 * resolver rule sending the public host there (for the page's own absolute links); any other
 * host must resolve to public addresses.
 * FIXME: only the page's host is checked; a public page may still make Chromium request
 * private addresses through its subresources or redirects.
 */
async function localTarget(
  origins: Map<string, string>,
  publicUrl: string,
): Promise<{ url: string; hostRules: string | null } | { error: string }> {
  const url = new URL(publicUrl);
  const mapped = origins.get(url.hostname.toLowerCase());
  if (mapped) {
    const local = new URL(`${url.pathname}${url.search}`, mapped);
    return { url: local.toString(), hostRules: `MAP ${url.hostname} ${local.host}` };
  }
  try {
    await assertPublicHost(url.hostname);
  } catch (error) {
    return { error: error instanceof AppError ? error.message : String(error) };
  }
  return { url: publicUrl, hostRules: null };
}

function outcome(results: PsiPageResult[], settings: LighthouseSettings): PagespeedOutcome {
  const errors = results.flatMap((r) => ("error" in r ? [r.error] : []));
  if (results.length > 0 && errors.length === results.length) {
    return {
      status: "skipped",
      reason: `every Lighthouse run failed (${results.length}); first: ${errors[0]}`,
    };
  }
  return {
    status: "completed",
    detail: {
      throttling: settings.LIGHTHOUSE_THROTTLING,
      strategies: settings.LIGHTHOUSE_STRATEGIES,
      pages: results,
    },
  };
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs `fn` after every run queued before it in this process has ended. */
function oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}
