import type { Logger } from "@shopsniffer/shared/log";
import type { StoreFetcher } from "@shopsniffer/shared/store/fetch";
import { readCapped } from "@shopsniffer/shared/store/read-capped";
import { z } from "zod";

/** A real meta.json is about 1 KiB; a larger body is cut here and then fails to parse. */
const MAX_META_JSON_BYTES = 256 * 1024;

const optionalString = z.string().trim().min(1).optional().catch(undefined);

/** The fields of a storefront's public `/meta.json` the audit uses; any may be missing. */
const metaJsonSchema = z.object({
  name: optionalString,
  currency: optionalString,
  domain: optionalString,
  myshopify_domain: optionalString,
  country: optionalString,
  published_products_count: z.number().int().nonnegative().optional().catch(undefined),
});

export type StoreMetaJson = z.infer<typeof metaJsonSchema>;

/**
 * Fetches `/meta.json` on the host the home page came from. The file is optional: a non-2xx
 * answer, a body over 256 KiB or one that is not a JSON object gives null. Network failures are
 * thrown (they are retryable `store_unreachable` errors from the store fetcher).
 */
export async function fetchMetaJson(
  fetchStore: StoreFetcher,
  pageUrl: string,
  log: Logger,
): Promise<StoreMetaJson | null> {
  const { response } = await fetchStore(new URL("/meta.json", pageUrl), {
    headers: { accept: "application/json" },
  });
  if (!response.ok) {
    await response.body?.cancel();
    log.debug({ status: response.status }, "meta.json unavailable");
    return null;
  }
  const body = parseJson(await readCapped(response, MAX_META_JSON_BYTES));
  const parsed = metaJsonSchema.safeParse(body);
  if (!parsed.success) {
    log.debug("meta.json is not a JSON object");
    return null;
  }
  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
