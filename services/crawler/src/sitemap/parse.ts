import { SaxesParser } from "saxes";

/**
 * One entry of a sitemap file: a child sitemap of a `<sitemapindex>` or a page URL of a
 * `<urlset>`. `loc` is entity-decoded and trimmed; `lastmod` is as written, or null.
 */
export interface SitemapEntry {
  type: "sitemap" | "url";
  loc: string;
  lastmod: string | null;
}

/** The document is not a sitemap: not XML, or a root other than urlset / sitemapindex. */
export class SitemapFormatError extends Error {
  override name = "SitemapFormatError";
}

/** Sitemap bytes or text: a fetch body, a string, or any (async) iterable of chunks. */
export type SitemapSource =
  | ReadableStream<Uint8Array>
  | string
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>;

export interface ParseOptions {
  /** Called for XML errors after the root was recognised; parsing goes on regardless. */
  onWarning?: (message: string) => void;
}

const ROOTS = { sitemapindex: "sitemap", urlset: "url" } as const;

/**
 * Streams the entries of a sitemap without building a document: memory stays flat however
 * long the file is. Only `<loc>` and `<lastmod>` directly inside a root's `<url>`/`<sitemap>`
 * count, so `image:loc` and other extensions are ignored. Throws `SitemapFormatError` when the
 * input is not a sitemap.
 */
export async function* parseSitemap(
  source: SitemapSource,
  options: ParseOptions = {},
): AsyncGenerator<SitemapEntry> {
  const reader = createReader(options);
  for await (const chunk of textChunks(source)) {
    reader.write(chunk);
    yield* reader.drain();
  }
  reader.close();
  yield* reader.drain();
}

interface EntryReader {
  write(text: string): void;
  close(): void;
  drain(): SitemapEntry[];
}

function createReader(options: ParseOptions): EntryReader {
  const parser = new SaxesParser();
  const state = new ReaderState();
  let firstError = "no root element";
  parser.on("error", (error) => {
    if (state.entryType) options.onWarning?.(error.message);
    else if (firstError === "no root element") firstError = error.message;
  });
  parser.on("opentag", (tag) => state.open(localName(tag.name)));
  parser.on("closetag", () => state.close());
  parser.on("text", (text) => state.text(text));
  parser.on("cdata", (text) => state.text(text));
  return {
    write: (text) => {
      if (text) parser.write(text);
    },
    close: () => {
      parser.close();
      if (!state.entryType) throw new SitemapFormatError(`not a sitemap: ${firstError}`);
    },
    drain: () => state.entries.splice(0),
  };
}

/** Element depth and the text of the current entry; depth 1 is the root. */
class ReaderState {
  entries: SitemapEntry[] = [];
  entryType: SitemapEntry["type"] | null = null;
  private path: string[] = [];
  private loc = "";
  private lastmod: string | null = null;

  open(name: string) {
    this.path.push(name);
    if (this.path.length === 1) this.openRoot(name);
    if (this.path.length === 2 && name === this.entryType) {
      this.loc = "";
      this.lastmod = null;
    }
    if (this.inField("lastmod")) this.lastmod = "";
  }

  close() {
    const name = this.path.at(-1);
    if (this.path.length === 2 && name === this.entryType) this.emit();
    this.path.pop();
  }

  text(text: string) {
    if (this.inField("loc")) this.loc += text;
    else if (this.inField("lastmod")) this.lastmod = (this.lastmod ?? "") + text;
  }

  private openRoot(name: string) {
    if (name !== "sitemapindex" && name !== "urlset") {
      throw new SitemapFormatError(`not a sitemap: root element <${name}>`);
    }
    this.entryType = ROOTS[name];
  }

  private inField(field: "loc" | "lastmod"): boolean {
    return this.path.length === 3 && this.path[1] === this.entryType && this.path[2] === field;
  }

  private emit() {
    const loc = this.loc.trim();
    if (!loc || !this.entryType) return;
    const lastmod = this.lastmod?.trim() || null;
    this.entries.push({ type: this.entryType, loc, lastmod });
  }
}

/** `image:loc` → `loc`; sitemap elements are matched by local name, whatever their prefix. */
function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon === -1 ? name : name.slice(colon + 1);
}

async function* textChunks(source: SitemapSource): AsyncGenerator<string> {
  if (typeof source === "string") {
    yield source;
    return;
  }
  const decoder = new TextDecoder();
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    yield typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
  }
  yield decoder.decode();
}
