/**
 * Shopify-shaped sitemaps. Every `<loc>` is absolute on the shop's public domain, never on
 * the local origin: crawlers must map the real host to wherever they fetch from.
 */

import type { Product } from "./model.ts";
import type { StoreIndex } from "./store-index.ts";
import { escapeMarkup } from "./text.ts";

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';
const SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9";
const IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1";
const INDEX_COMMENT =
  "<!-- This is the parent sitemap linking to additional sitemaps for products, collections " +
  "and pages as shown below. The sitemap can not be edited manually, but is kept up to date " +
  "in real time. -->";

function baseUrl(index: StoreIndex): string {
  return `https://${index.store.shop.domain}`;
}

function urlset(entries: string[]): string {
  const open = `<urlset xmlns="${SITEMAP_NS}" xmlns:image="${IMAGE_NS}">`;
  return [XML_HEAD, open, ...entries, "</urlset>", ""].join("\n");
}

function urlEntry(loc: string, lastmod: string | null, extra = ""): string {
  const lines = ["  <url>", `    <loc>${escapeMarkup(loc)}</loc>`];
  if (lastmod) lines.push(`    <lastmod>${escapeMarkup(lastmod)}</lastmod>`);
  lines.push("    <changefreq>daily</changefreq>");
  if (extra) lines.push(extra);
  lines.push("  </url>");
  return lines.join("\n");
}

/** The ranged product children under `prefix` ("" or a Markets locale such as "/en-ca"). */
function productChildren(index: StoreIndex, prefix: string): string[] {
  return index.sitemapChunks.map((products, i) => {
    const first = products[0]?.id ?? 0;
    const last = products[products.length - 1]?.id ?? 0;
    return `${baseUrl(index)}${prefix}/sitemap_products_${i + 1}.xml?from=${first}&to=${last}`;
  });
}

/**
 * The sitemap index: one ranged child per product chunk (and per chunk and locale when the
 * store has Markets locales), then pages, collections, blogs and, in that mode, a child of a
 * type crawlers do not know.
 */
export function sitemapIndexXml(index: StoreIndex): string {
  const base = baseUrl(index);
  const { locales, unknownChild } = index.catalog.sitemaps;
  const children = [
    ...productChildren(index, ""),
    ...locales.flatMap((locale) => productChildren(index, `/${locale}`)),
    `${base}/sitemap_pages_1.xml`,
    `${base}/sitemap_collections_1.xml`,
    `${base}/sitemap_blogs_1.xml`,
    ...(unknownChild ? [`${base}/${UNKNOWN_CHILD}`] : []),
  ].map((loc) => `  <sitemap>\n    <loc>${escapeMarkup(loc)}</loc>\n  </sitemap>`);
  const open = `<sitemapindex xmlns="${SITEMAP_NS}">`;
  return [XML_HEAD, open, `  ${INDEX_COMMENT}`, ...children, "</sitemapindex>", ""].join("\n");
}

function productImageXml(product: Product): string {
  const image = product.images[0];
  if (!image) return "";
  return [
    "    <image:image>",
    `      <image:loc>${escapeMarkup(image.src)}</image:loc>`,
    `      <image:title>${escapeMarkup(product.title)}</image:title>`,
    "    </image:image>",
  ].join("\n");
}

/** The file name of the unknown child type served in `unknownChild` mode. */
export const UNKNOWN_CHILD = "sitemap_metaobjects_1.xml";

/** A child of a type crawlers do not know: metaobject pages, which are not products. */
export function unknownChildXml(index: StoreIndex): string {
  return urlset([urlEntry(`${baseUrl(index)}/pages/faq/shipping`, null)]);
}

/**
 * A product child: the homepage first, then each product with lastmod and first image. Handles
 * are percent-encoded, as Shopify writes non-ASCII ones. `prefix` is a locale path ("/en-ca")
 * for a Markets locale child.
 */
export function productSitemapXml(
  index: StoreIndex,
  products: readonly Product[],
  prefix = "",
): string {
  const base = `${baseUrl(index)}${prefix}`;
  const entries = products.map((product) =>
    urlEntry(
      `${base}/products/${encodeURIComponent(product.handle)}`,
      product.updated_at,
      productImageXml(product),
    ),
  );
  return urlset([urlEntry(`${base}/`, null), ...entries]);
}

export function pagesSitemapXml(index: StoreIndex): string {
  const base = baseUrl(index);
  const pages = index.store.pages;
  return urlset(pages.map((page) => urlEntry(`${base}/pages/${page.handle}`, page.updated_at)));
}

export function collectionsSitemapXml(index: StoreIndex): string {
  const base = baseUrl(index);
  return urlset(
    index.store.collections.map((collection) =>
      urlEntry(`${base}/collections/${collection.handle}`, collection.updated_at),
    ),
  );
}

/** The demo store has no blog articles, so its blog child is an empty (valid) urlset. */
export function blogsSitemapXml(): string {
  return urlset([]);
}
