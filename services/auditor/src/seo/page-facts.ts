import { parseHTML } from "linkedom";

type ParsedDocument = ReturnType<typeof parseHTML>["document"];

/** Longest title or description kept; enough to tell duplicates apart and show them. */
const MAX_TEXT = 300;
/** Image URLs kept as examples per page. */
const IMAGE_EXAMPLES = 3;

/**
 * What the SEO checks need from one storefront page. Texts are trimmed with runs of blanks
 * collapsed; null when missing or blank.
 */
export interface PageSeoFacts {
  title: string | null;
  description: string | null;
  /** `<link rel="canonical">`'s href resolved against the page URL; null when absent. */
  canonical: string | null;
  /** A `robots` or `googlebot` meta tag, or the `X-Robots-Tag` header, says `noindex`. */
  noindex: boolean;
  /** `<img>` elements, and those without an `alt` attribute (`alt=""` marks decoration). */
  images: number;
  images_without_alt: number;
  /** Up to three `src`s of images without `alt`. */
  images_without_alt_examples: string[];
  /** Every `@type` found in the page's JSON-LD blocks, including inside `@graph`. */
  jsonld_types: string[];
  /** JSON-LD blocks that are not valid JSON. */
  jsonld_invalid: number;
}

/** Reads the SEO facts of an HTML page; `robotsHeader` is the answer's `X-Robots-Tag`. */
export function readPageSeoFacts(
  html: string,
  pageUrl: string,
  robotsHeader: string | null,
): PageSeoFacts {
  const { document } = parseHTML(html);
  const images = [...document.querySelectorAll("img")];
  const withoutAlt = images.filter((img) => !img.hasAttribute("alt"));
  const jsonld = readJsonLd(document);
  return {
    title: clean(pageTitle(document)),
    description: clean(metaContent(document, ["description"])),
    canonical: canonicalOf(document, pageUrl),
    noindex:
      saysNoindex(metaContent(document, ["robots", "googlebot"])) || saysNoindex(robotsHeader),
    images: images.length,
    images_without_alt: withoutAlt.length,
    images_without_alt_examples: withoutAlt
      .map((img) => img.getAttribute("src") ?? img.getAttribute("data-src") ?? "")
      .filter(Boolean)
      .slice(0, IMAGE_EXAMPLES),
    jsonld_types: jsonld.types,
    jsonld_invalid: jsonld.invalid,
  };
}

/** The first `<title>` outside inline SVG icons (payment icons carry their own titles). */
function pageTitle(document: ParsedDocument): string | null {
  const titles = [...document.querySelectorAll("title")];
  return titles.find((t) => !t.closest("svg"))?.textContent ?? null;
}

/** `content` of the first `<meta name>` among `names` (compared case-insensitively). */
function metaContent(document: ParsedDocument, names: string[]): string | null {
  const found = [...document.querySelectorAll("meta[name]")].filter((meta) =>
    names.includes((meta.getAttribute("name") ?? "").trim().toLowerCase()),
  );
  const contents = found.map((meta) => meta.getAttribute("content") ?? "");
  return contents.length > 0 ? contents.join(",") : null;
}

function canonicalOf(document: ParsedDocument, pageUrl: string): string | null {
  const link = [...document.querySelectorAll("link[rel]")].find((l) =>
    (l.getAttribute("rel") ?? "").toLowerCase().split(/\s+/).includes("canonical"),
  );
  const href = link?.getAttribute("href")?.trim();
  return href ? (URL.parse(href, pageUrl)?.href ?? href) : null;
}

function saysNoindex(value: string | null): boolean {
  return value !== null && /(^|[\s,])(noindex|none)([\s,]|$)/i.test(value);
}

function readJsonLd(document: ParsedDocument): { types: string[]; invalid: number } {
  const types = new Set<string>();
  let invalid = 0;
  for (const script of document.querySelectorAll("script[type]")) {
    if ((script.getAttribute("type") ?? "").trim().toLowerCase() !== "application/ld+json") {
      continue;
    }
    try {
      collectTypes(JSON.parse(script.textContent ?? ""), types);
    } catch {
      invalid += 1;
    }
  }
  return { types: [...types].sort(), invalid };
}

/** Adds every `@type` in `value`, walking arrays, `@graph` and nested objects. */
function collectTypes(value: unknown, types: Set<string>, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (const item of value) collectTypes(item, types, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  const type = record["@type"];
  for (const t of Array.isArray(type) ? type : [type]) {
    if (typeof t === "string" && t) types.add(t.replace(/^https?:\/\/schema\.org\//, ""));
  }
  for (const [key, nested] of Object.entries(record)) {
    if (key !== "@type" && typeof nested === "object") collectTypes(nested, types, depth + 1);
  }
}

function clean(value: string | null): string | null {
  const text = value?.replace(/\s+/g, " ").trim() ?? "";
  return text ? text.slice(0, MAX_TEXT) : null;
}
