import type { PagespeedOutcome, PagespeedPage, PagespeedProvider } from "./provider.ts";
import { type PsiCallOptions, type PsiStrategy, runPsi } from "./psi-client.ts";
import type { PsiReading } from "./psi-response.ts";

/** The `PSI_*` settings; the key is checked by the config schema when `psi` is chosen. */
export interface PsiSettings {
  PSI_API_KEY?: string | undefined;
  PSI_ENDPOINT: string;
  PSI_TIMEOUT_MS: number;
}

/** Calls PSI makes at the same time for one job; Google throttles bursts from one key. */
const PSI_CONCURRENCY = 2;
const STRATEGIES: PsiStrategy[] = ["mobile", "desktop"];

/** One measured (or failed) page and strategy, as stored in the step's detail. */
export type PsiPageResult = PagespeedPage & { strategy: PsiStrategy } & (
    | PsiReading
    | { error: string }
  );

/**
 * Google PageSpeed Insights: every page for both strategies. A page Lighthouse could not load
 * is stored with its `error` and no numbers; when no call succeeded the step is skipped.
 */
export function createPsiProvider(settings: PsiSettings): PagespeedProvider {
  const options: PsiCallOptions = {
    endpoint: settings.PSI_ENDPOINT,
    apiKey: settings.PSI_API_KEY ?? "",
    timeoutMs: settings.PSI_TIMEOUT_MS,
  };
  return {
    name: "psi",
    async measure(target) {
      const calls = target.pages.flatMap((page) =>
        STRATEGIES.map((strategy) => ({ page, strategy })),
      );
      const results = await mapLimit(calls, PSI_CONCURRENCY, async ({ page, strategy }) => {
        const reading = await runPsi(options, page.url, strategy, target.signal);
        return { ...page, strategy, ...reading } satisfies PsiPageResult;
      });
      return outcome(results);
    },
  };
}

function outcome(results: PsiPageResult[]): PagespeedOutcome {
  const errors = results.flatMap((r) => ("error" in r ? [r.error] : []));
  if (results.length > 0 && errors.length === results.length) {
    return {
      status: "skipped",
      reason: `every PageSpeed Insights call failed (${results.length}); first: ${errors[0]}`,
    };
  }
  return { status: "completed", detail: { pages: results } };
}

/** Maps `items` with at most `limit` calls in flight, keeping the input order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>) {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (error) {
        next = items.length; // one failure ends the run: start no further calls
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
