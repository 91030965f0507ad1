import { AppError } from "../errors.ts";
import { describe } from "./pinned-fetch.ts";

/** Statuses whose responses carry no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * The same answer, with a body that errors (`upstream_failed`, not retryable) once more than
 * `maxBytes` have come through. The count is of decoded bytes, after `fetch` has undone any
 * `content-encoding`, so a small compressed body that inflates to gigabytes (a gzip bomb) is
 * stopped at the limit like any other. A body cut by the total deadline or the network errors
 * with a retryable `store_unreachable`.
 */
export function limitBody(response: Response, maxBytes: number, url: URL): Response {
  const source = response.body;
  if (!source || NULL_BODY.has(response.status)) return response;
  const reader = source.getReader();
  let seen = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await reader.read().catch((error: unknown) => {
        throw new AppError("store_unreachable", readFailed(url, error), true, { cause: error });
      });
      if (next.done) return controller.close();
      seen += next.value.byteLength;
      if (seen > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(url, maxBytes);
      }
      controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const { status, statusText, headers } = response;
  return new Response(body, { status, statusText, headers });
}

/** The error a body past the limit fails with. */
export function tooLarge(url: URL, maxBytes: number): AppError {
  return new AppError(
    "upstream_failed",
    `The answer to ${url.pathname} is larger than ${maxBytes} bytes; it was not read.`,
  );
}

function readFailed(url: URL, error: unknown): string {
  return `Reading ${url.host}${url.pathname} failed: ${describe(error)}`;
}
