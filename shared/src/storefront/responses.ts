/** Response builders that set the content types and headers a Shopify storefront sends. */

export const CONTENT_TYPES = {
  json: "application/json; charset=utf-8",
  xml: "application/xml; charset=utf-8",
  html: "text/html; charset=utf-8",
  text: "text/plain; charset=utf-8",
} as const;

export type ContentKind = keyof typeof CONTENT_TYPES;

/** Headers every storefront response carries; `shopId` null leaves `x-shopid` out. */
export function shopHeaders(shopId: number | null, kind: ContentKind): Headers {
  const headers = new Headers({
    "content-type": CONTENT_TYPES[kind],
    "powered-by": "Shopify",
    "x-content-type-options": "nosniff",
  });
  if (shopId !== null) headers.set("x-shopid", String(shopId));
  return headers;
}

/** A response with the shop headers; `body` is sent as is (a string, or a `Bun.file`). */
export function reply(
  shopId: number | null,
  kind: ContentKind,
  body: string | Blob | null,
  status = 200,
): Response {
  return new Response(body, { status, headers: shopHeaders(shopId, kind) });
}

/** A JSON response; Shopify's storefront serialises without whitespace. */
export function replyJson(shopId: number | null, value: unknown, status = 200): Response {
  return reply(shopId, "json", JSON.stringify(value), status);
}

/** The JSON error body Shopify sends for an unknown resource under a `.json` path. */
export function notFoundJson(shopId: number | null): Response {
  return replyJson(shopId, { errors: "Not Found" }, 404);
}

/** True for paths whose answers are JSON: `.json`, and the Ajax `.js` (also sent as JSON). */
export function isJsonPath(pathname: string): boolean {
  return pathname.endsWith(".json") || pathname.endsWith(".js");
}
