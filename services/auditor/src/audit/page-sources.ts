import { parseHTML } from "linkedom";

type ParsedDocument = ReturnType<typeof parseHTML>["document"];

/** What the audit reads from a storefront page: asset URLs, inline scripts and a few tags. */
export interface PageSources {
  /** Absolute `<script src>` URLs, in page order. */
  scriptSrcs: string[];
  /** Absolute `<link href>` URLs, in page order. */
  linkHrefs: string[];
  /** Text of each inline `<script>` without a `src`. */
  inlineScripts: string[];
  /** The document `<title>`, trimmed; null when missing or blank. */
  title: string | null;
  /** `<meta property="og:site_name">`, trimmed; null when missing or blank. */
  ogSiteName: string | null;
  /** `<link rel="alternate" hreflang>` languages (the published locales), no `x-default`. */
  hreflangs: string[];
}

/** Parses `html`; relative URLs are resolved against `pageUrl`, unparsable ones are dropped. */
export function readPageSources(html: string, pageUrl: string): PageSources {
  const { document } = parseHTML(html);
  const scripts = [...document.querySelectorAll("script")];
  const links = [...document.querySelectorAll("link[href]")];
  const siteName = document.querySelector('meta[property="og:site_name"]');
  return {
    scriptSrcs: absoluteUrls(
      scripts.map((s) => s.getAttribute("src")),
      pageUrl,
    ),
    linkHrefs: absoluteUrls(
      links.map((l) => l.getAttribute("href")),
      pageUrl,
    ),
    inlineScripts: scripts.filter((s) => !s.hasAttribute("src")).map((s) => s.textContent ?? ""),
    title: blankToNull(pageTitle(document)),
    ogSiteName: blankToNull(siteName?.getAttribute("content")),
    hreflangs: hreflangs(document),
  };
}

/** The first `<title>` outside inline SVG icons (payment icons carry their own titles). */
function pageTitle(document: ParsedDocument): string | null {
  const titles = [...document.querySelectorAll("title")];
  return titles.find((t) => !t.closest("svg"))?.textContent ?? null;
}

function hreflangs(document: ParsedDocument): string[] {
  const languages = [...document.querySelectorAll('link[rel="alternate"][hreflang]')]
    .map((link) => link.getAttribute("hreflang")?.trim() ?? "")
    .filter((lang) => lang && lang.toLowerCase() !== "x-default");
  return [...new Set(languages)];
}

function absoluteUrls(values: Array<string | null>, base: string): string[] {
  const urls: string[] = [];
  for (const value of values) {
    const url = value?.trim() ? URL.parse(value.trim(), base) : null;
    if (url && (url.protocol === "https:" || url.protocol === "http:")) urls.push(url.href);
  }
  return urls;
}

function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.replace(/\s+/g, " ").trim();
  return trimmed ? trimmed : null;
}
