import { AppError } from "@shopsniffer/shared/errors";
import type { Logger } from "@shopsniffer/shared/log";
import type { StoreFetcher } from "@shopsniffer/shared/store/fetch";
import { childKind, isHomePage, pathKind, type UrlKind } from "./classify.ts";
import { fetchSitemap } from "./fetch-sitemap.ts";
import { parseSitemap, SitemapFormatError } from "./parse.ts";
import type { SitemapUrlWriter } from "./url-writer.ts";

/** A sitemap listed by an index, with the kind its file name gives its URLs. */
export interface ChildSitemap {
  loc: string;
  kind: UrlKind;
}

/** What reading one child sitemap gave. */
export interface ChildOutcome {
  loc: string;
  kind: UrlKind;
  urls: number;
  /** Why the child could not be read (HTTP status, not a sitemap); absent when it was. */
  error?: string;
}

export interface SitemapReader {
  fetchStore: StoreFetcher;
  writer: SitemapUrlWriter;
  log: Logger;
}

/**
 * Reads the root sitemap. A `<urlset>` root is stored at once, each URL classified by its
 * path; a `<sitemapindex>` root returns its children, in order and without duplicates.
 * No sitemap (any non-2xx but 429/5xx) or a document that is not one fails the job.
 */
export async function readRootSitemap(reader: SitemapReader, url: string): Promise<ChildSitemap[]> {
  const answer = await fetchSitemap(reader.fetchStore, url);
  if (answer.kind === "missing") {
    const message =
      answer.status === 404 || answer.status === 410
        ? `No sitemap found at ${url}.`
        : `The store answered ${answer.status} for its sitemap at ${url}.`;
    throw new AppError("upstream_failed", message);
  }
  const children: ChildSitemap[] = [];
  try {
    for await (const entry of parseSitemap(answer.body, { onWarning: warn(reader, url) })) {
      if (entry.type === "sitemap") children.push({ loc: entry.loc, kind: childKind(entry.loc) });
      else if (!isHomePage(entry.loc)) {
        await reader.writer.add(entry.loc, pathKind(entry.loc), entry.lastmod);
      }
    }
  } catch (error) {
    if (!(error instanceof SitemapFormatError)) throw error;
    throw new AppError("upstream_failed", `No sitemap found at ${url}: ${error.message}.`);
  }
  await reader.writer.flush();
  return dedupe(children);
}

/**
 * Reads one child sitemap and stores its URLs with the child's kind (the home page is
 * skipped). A child that is itself an index hands back its own children in `nested`.
 * A missing or malformed child is reported in the outcome, not thrown.
 */
export async function readChildSitemap(
  reader: SitemapReader,
  child: ChildSitemap,
): Promise<{ outcome: ChildOutcome; nested: ChildSitemap[] }> {
  const outcome: ChildOutcome = { loc: child.loc, kind: child.kind, urls: 0 };
  const nested: ChildSitemap[] = [];
  const answer = await fetchSitemap(reader.fetchStore, child.loc);
  if (answer.kind === "missing") {
    return { outcome: { ...outcome, error: `HTTP ${answer.status}` }, nested };
  }
  try {
    for await (const entry of parseSitemap(answer.body, { onWarning: warn(reader, child.loc) })) {
      if (entry.type === "sitemap") nested.push({ loc: entry.loc, kind: childKind(entry.loc) });
      else if (!isHomePage(entry.loc)) {
        await reader.writer.add(entry.loc, child.kind, entry.lastmod);
        outcome.urls++;
      }
    }
  } catch (error) {
    if (!(error instanceof SitemapFormatError)) throw error;
    outcome.error = error.message;
  }
  await reader.writer.flush();
  return { outcome, nested };
}

/** Logs the first few XML errors of one file; a broken file could have thousands. */
function warn(reader: SitemapReader, url: string) {
  let seen = 0;
  return (message: string) => {
    if (++seen <= 3) reader.log.warn({ url, xmlError: message }, "sitemap xml error");
  };
}

function dedupe(children: ChildSitemap[]): ChildSitemap[] {
  const seen = new Set<string>();
  return children.filter((child) => !seen.has(child.loc) && seen.add(child.loc));
}
