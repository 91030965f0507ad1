import { AppError } from "@shopsniffer/shared/errors";
import type { Logger } from "@shopsniffer/shared/log";
import type { StoreLink } from "../store-session.ts";
import { childKind, isHomePage, pathKind, type UrlKind } from "./classify.ts";
import { fetchSitemap } from "./fetch-sitemap.ts";
import { parseSitemap, SitemapFormatError, type SitemapSource } from "./parse.ts";
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
  /** True for a Markets locale copy of a child the index also lists, which is not fetched. */
  localeCopy?: true;
}

/** `/en-ca/sitemap_products_1.xml`: a locale segment, then the file name. */
const LOCALE_CHILD = /^\/[a-z]{2}(?:-[a-z0-9]+)?(\/[^/]+)$/i;

/**
 * The child sitemaps of one job, in the order the indexes list them, without duplicates and
 * at most `max`: the next new one is refused and marks the queue `truncated`.
 */
export class ChildQueue {
  private readonly items: ChildSitemap[] = [];
  private readonly seen = new Set<string>();
  /** True once a child was refused because `max` were queued. */
  truncated = false;

  constructor(readonly max: number) {}

  get length(): number {
    return this.items.length;
  }

  at(index: number): ChildSitemap | undefined {
    return this.items[index];
  }

  /** Queues `loc` unless already queued; false when the queue is full. */
  offer(loc: string): boolean {
    if (this.seen.has(loc)) return true;
    if (this.items.length >= this.max) {
      this.truncated = true;
      return false;
    }
    this.seen.add(loc);
    this.items.push({ loc, kind: childKind(loc) });
    return true;
  }

  /**
   * True when `child` is a Markets locale copy (`/en-ca/sitemap_products_1.xml?from=..`) of
   * a child also queued without the locale: same products under translated URLs.
   */
  isLocaleCopy(child: ChildSitemap): boolean {
    const url = URL.parse(child.loc);
    const file = url && LOCALE_CHILD.exec(url.pathname)?.[1];
    if (!url || !file) return false;
    return this.seen.has(`${url.origin}${file}${url.search}`);
  }
}

export interface SitemapReader {
  /** The job's way to the store (see store-session.ts). */
  store: StoreLink;
  writer: SitemapUrlWriter;
  children: ChildQueue;
  log: Logger;
}

/**
 * Reads the root sitemap. A `<urlset>` root is stored at once, each URL classified by its
 * path; a `<sitemapindex>` root queues its children. No sitemap (any non-2xx but 429/5xx) or
 * a document that is not one fails the job.
 */
export async function readRootSitemap(reader: SitemapReader, url: string): Promise<void> {
  const answer = await fetchSitemap(reader.store, url);
  if (answer.kind === "missing") {
    const message =
      answer.status === 404 || answer.status === 410
        ? `No sitemap found at ${url}.`
        : `The store answered ${answer.status} for its sitemap at ${url}.`;
    throw new AppError("upstream_failed", message);
  }
  try {
    await readEntries(reader, answer.body, url, pathKind, { urls: 0 });
  } catch (error) {
    if (!(error instanceof SitemapFormatError)) throw error;
    throw new AppError("upstream_failed", `No sitemap found at ${url}: ${error.message}.`);
  }
  await reader.writer.flush();
}

/**
 * Reads one child sitemap and stores its URLs with the child's kind (the home page is
 * skipped). A child that is itself an index queues its own children. A Markets locale copy
 * of a listed child is not fetched: its products are the same, under other URLs.
 * A missing or malformed child is reported in the outcome, not thrown.
 */
export async function readChildSitemap(
  reader: SitemapReader,
  child: ChildSitemap,
): Promise<ChildOutcome> {
  const outcome: ChildOutcome = { loc: child.loc, kind: child.kind, urls: 0 };
  if (reader.children.isLocaleCopy(child)) return { ...outcome, localeCopy: true };
  const answer = await fetchSitemap(reader.store, child.loc);
  if (answer.kind === "missing") return { ...outcome, error: `HTTP ${answer.status}` };
  try {
    await readEntries(reader, answer.body, child.loc, () => child.kind, outcome);
  } catch (error) {
    if (!(error instanceof SitemapFormatError)) throw error;
    outcome.error = error.message;
  }
  await reader.writer.flush();
  return outcome;
}

/**
 * Streams one sitemap file: URLs go to the writer with `kindOf(loc)` (counted in `counted`),
 * children to the queue. Stops early, leaving the rest unread, as soon as the writer or the
 * queue refuses an entry.
 */
async function readEntries(
  reader: SitemapReader,
  body: SitemapSource,
  url: string,
  kindOf: (loc: string) => UrlKind,
  counted: { urls: number },
): Promise<void> {
  for await (const entry of parseSitemap(body, { onWarning: warn(reader, url) })) {
    if (entry.type === "sitemap") {
      if (!reader.children.offer(entry.loc)) return;
    } else if (!isHomePage(entry.loc)) {
      if (!(await reader.writer.add(entry.loc, kindOf(entry.loc), entry.lastmod))) return;
      counted.urls++;
    }
  }
}

/** Logs the first few XML errors of one file; a broken file could have thousands. */
function warn(reader: SitemapReader, url: string) {
  let seen = 0;
  return (message: string) => {
    if (++seen <= 3) reader.log.warn({ url, xmlError: message }, "sitemap xml error");
  };
}
