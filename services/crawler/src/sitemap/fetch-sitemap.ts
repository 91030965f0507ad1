import { AppError } from "@shopsniffer/shared/errors";
import { PASSWORD_PROTECTED_MESSAGE } from "@shopsniffer/shared/store/messages";
import { getStore, throwIfTransient } from "../store-get.ts";
import type { StoreLink } from "../store-session.ts";

const ACCEPT_XML = "application/xml, text/xml;q=0.9, */*;q=0.1";

/** A sitemap answer: its body to stream, or why there is none (HTTP status). */
export type SitemapAnswer =
  | { kind: "found"; body: ReadableStream<Uint8Array> | string; finalUrl: string }
  | { kind: "missing"; status: number };

/**
 * GETs a sitemap URL exactly as given. 429 and 5xx throw a retryable error; a redirect to the
 * password page throws `password_protected`; any other non-2xx is `missing`.
 */
export async function fetchSitemap(store: StoreLink, url: string): Promise<SitemapAnswer> {
  const answer = await getStore(store, url, ACCEPT_XML);
  await throwIfTransient(answer);
  const { response } = answer;
  if (answer.url.pathname.replace(/\/+$/, "") === "/password") {
    await response.body?.cancel();
    throw new AppError("password_protected", PASSWORD_PROTECTED_MESSAGE);
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { kind: "missing", status: response.status };
  }
  return { kind: "found", body: response.body ?? "", finalUrl: answer.url.toString() };
}
