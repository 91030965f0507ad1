import { readBodyBytes } from "../body.ts";

/**
 * The request Better Auth gets: its body read within `maxBytes` (413 past it, declared or
 * streamed, as everywhere else in the API) and handed over buffered. Better Auth itself reads
 * whatever it is given, of any size.
 */
export async function boundedRequest(request: Request, maxBytes: number): Promise<Request> {
  if (!request.body) return request;
  const body = await readBodyBytes(request, maxBytes);
  const headers = new Headers(request.headers);
  headers.delete("transfer-encoding");
  headers.set("content-length", String(body.byteLength));
  return new Request(request.url, {
    method: request.method,
    headers,
    body,
    signal: request.signal,
  });
}

/**
 * Better Auth's answers in the API's error shape: its 429 becomes the API's, and any other
 * JSON error with a `message` but no `error` gains `error` (the same text). Better Auth's
 * `message` and upper-case `code` stay, as its client libraries read them.
 */
export async function likeTheApi(response: Response): Promise<Response> {
  if (response.status === 429) return throttled(response);
  if (response.status < 400) return response;
  if (!response.headers.get("content-type")?.includes("application/json")) return response;
  const body = jsonObject(await response.clone().text());
  if (!body || typeof body.message !== "string" || "error" in body) return response;
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify({ error: body.message, ...body }), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/** `text` as a JSON object; null for anything else. */
function jsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Better Auth's limiter answers `429 {"message"}` with `X-Retry-After`; the rest of the API
 * answers `429 {"error", "retry_after", "code"}` with `Retry-After`. Clients see the latter
 * everywhere (the original header stays).
 */
function throttled(response: Response): Response {
  const retryAfter = Number(response.headers.get("x-retry-after")) || 1;
  const headers = new Headers(response.headers);
  headers.set("content-type", "application/json");
  headers.set("retry-after", String(retryAfter));
  headers.delete("content-length");
  const body = { error: "Rate limit exceeded", retry_after: retryAfter, code: "rate_limited" };
  return new Response(JSON.stringify(body), { status: 429, headers });
}
