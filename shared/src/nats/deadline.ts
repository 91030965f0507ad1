import { AppError } from "../errors.ts";

/** The failure an attempt that ran past its deadline is charged with (retryable). */
export function deadlineError(what: string, deadlineMs: number): AppError {
  const limit = deadlineMs >= 10_000 ? `${Math.round(deadlineMs / 1000)} s` : `${deadlineMs} ms`;
  return new AppError("internal", `${what} did not finish within its deadline of ${limit}`, true);
}

/**
 * Settles with `work`, or rejects with the signal's reason when it fires first. `work` is then
 * abandoned by the caller but may keep running: whoever owns the concurrency slot must wait for
 * it (see `Lease.holdSlot`), and its late writes must be refused where they land.
 */
export function beforeDeadline(work: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
