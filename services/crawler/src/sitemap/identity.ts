import { jobs } from "@shopsniffer/shared/db/schema";
import type { Logger } from "@shopsniffer/shared/log";
import { isoNow } from "@shopsniffer/shared/time";
import { eq, sql } from "drizzle-orm";
import type { CrawlerDeps } from "../context.ts";
import { fetchJsonObject } from "../json-pages.ts";
import { asSession, rethrowIfAborted, type StoreLink } from "../store-session.ts";

/** Who the job's domain turned out to be, as stored in `jobs.shop_meta`. */
export interface StoreIdentity {
  /** `/meta.json` `domain`, else the host the redirects from the job's domain ended on. */
  primary_domain: string;
  /** `/meta.json` `myshopify_domain`; null when the store does not say. */
  myshopify_domain: string | null;
}

/**
 * Reads `/meta.json` through the job's redirects (custom domain, country domain) and stores
 * the primary and myshopify domains in `shop_meta`, so every job reports them even when a
 * later stage (the audit) fails. Best effort: a store that does not answer leaves the final
 * host and a null myshopify name, and a failed request is logged, never the stage's failure;
 * but once the session's deadline fired the abort is thrown, so the stage stops there.
 */
export async function recordStoreIdentity(
  deps: CrawlerDeps,
  jobId: string,
  domain: string,
  session: StoreLink,
  log: Logger,
): Promise<StoreIdentity | null> {
  let identity: StoreIdentity;
  try {
    const meta = await fetchJsonObject(session, `https://${domain}/meta.json`);
    identity = {
      primary_domain: text(meta.body?.domain) ?? meta.url.hostname,
      myshopify_domain: text(meta.body?.myshopify_domain),
    };
  } catch (error) {
    rethrowIfAborted(asSession(session).signal, error);
    log.warn({ err: error }, "store identity not read");
    return null;
  }
  await saveIdentity(deps, jobId, identity);
  return identity;
}

/** Sets the two fields in `shop_meta`, keeping whatever else it holds. */
async function saveIdentity(deps: CrawlerDeps, jobId: string, identity: StoreIdentity) {
  const { primary_domain: primary, myshopify_domain: myshopify } = identity;
  const merged = sql`json_set(coalesce(${jobs.shopMeta}, '{}'),
    '$.primary_domain', ${primary}, '$.myshopify_domain', ${myshopify})`;
  await deps.svc.db.write((db) =>
    db.update(jobs).set({ shopMeta: merged, updatedAt: isoNow() }).where(eq(jobs.id, jobId)),
  );
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value.trim().toLowerCase() : null;
}
