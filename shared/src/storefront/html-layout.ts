/**
 * The theme layout around every generated HTML page: the head globals a real Shopify theme
 * prints (`Shopify.shop`, `Shopify.theme`, `var meta`), the stylesheet, app scripts and nav.
 */

import type { Product, ShopInfo } from "./model.ts";
import type { StoreIndex } from "./store-index.ts";
import { escapeMarkup, scriptJson } from "./text.ts";

/** What a page contributes to the layout. */
export interface PageParts {
  title: string;
  description: string;
  /** Path of the canonical URL on the public domain, e.g. "/products/mug". */
  canonicalPath: string;
  /** Printed as `var meta = …;`, the object Shopify's analytics reads. */
  meta: unknown;
  /** Template name, becomes the `template-<name>` body class. */
  template: string;
  body: string;
  /** Extra head markup, e.g. JSON-LD. */
  head?: string;
  ogType?: string;
}

const ASSET_VERSION = 1714650000;

function themeJson(shop: ShopInfo): string {
  const { theme } = shop;
  return scriptJson({
    name: theme.name,
    id: theme.id,
    schema_name: theme.schema_name,
    schema_version: theme.schema_version,
    theme_store_id: theme.theme_store_id,
    role: "main",
  });
}

/** The inline script that defines the `Shopify` global, as printed by `content_for_header`. */
export function shopifyGlobalsScript(shop: ShopInfo): string {
  return [
    "<script>var Shopify = Shopify || {};",
    `Shopify.shop = ${JSON.stringify(shop.myshopify_domain)};`,
    `Shopify.locale = ${JSON.stringify(shop.locale)};`,
    `Shopify.currency = ${scriptJson({ active: shop.currency, rate: "1.0" })};`,
    `Shopify.country = ${JSON.stringify(shop.country)};`,
    `Shopify.theme = ${themeJson(shop)};`,
    `Shopify.cdnHost = ${JSON.stringify(`${shop.domain}/cdn`)};`,
    "Shopify.routes = Shopify.routes || {};",
    'Shopify.routes.root = "/";</script>',
  ].join("\n");
}

/** Formats a decimal price string with the shop's money format, e.g. "€12.00". */
export function formatMoney(shop: ShopInfo, price: string): string {
  return shop.money_format.replace(/\{\{\s*amount\s*\}\}/, price);
}

/** A product tile for grids on the homepage and collection pages. */
export function productCard(shop: ShopInfo, product: Product): string {
  const image = product.images[0];
  const price = product.variants[0]?.price ?? "0.00";
  const src = image ? `${image.src}${image.src.includes("?") ? "&" : "?"}width=533` : "";
  const img = image
    ? `<img src="${escapeMarkup(src)}" alt="${escapeMarkup(product.title)}" ` +
      `width="${image.width}" height="${image.height}" loading="lazy">`
    : "";
  return [
    `<li class="grid__item"><a href="/products/${escapeMarkup(product.handle)}" class="card">`,
    img,
    `<h3 class="card__heading">${escapeMarkup(product.title)}</h3>`,
    `<span class="price">${escapeMarkup(formatMoney(shop, price))}</span></a></li>`,
  ].join("");
}

function navigation(index: StoreIndex): string {
  const links = index.store.collections
    .filter((collection) => collection.handle !== "frontpage")
    .map((c) => `<a href="/collections/${escapeMarkup(c.handle)}">${escapeMarkup(c.title)}</a>`);
  return `<nav class="header__inline-menu">${links.join("\n")}</nav>`;
}

function footer(index: StoreIndex): string {
  const links = index.store.pages.map(
    (page) => `<a href="/pages/${escapeMarkup(page.handle)}">${escapeMarkup(page.title)}</a>`,
  );
  const name = escapeMarkup(index.store.shop.name);
  return `<footer class="footer">${links.join("\n")}<p>&copy; 2025, ${name}</p></footer>`;
}

function headMarkup(index: StoreIndex, parts: PageParts): string {
  const { shop } = index.store;
  const canonical = `https://${shop.domain}${parts.canonicalPath}`;
  const apps = index.store.appScripts.map(
    (src) => `<script async src="${escapeMarkup(src)}"></script>`,
  );
  return [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<link rel="canonical" href="${escapeMarkup(canonical)}">`,
    `<title>${escapeMarkup(parts.title)}</title>`,
    `<meta name="description" content="${escapeMarkup(parts.description)}">`,
    `<meta property="og:site_name" content="${escapeMarkup(shop.name)}">`,
    `<meta property="og:title" content="${escapeMarkup(parts.title)}">`,
    `<meta property="og:type" content="${parts.ogType ?? "website"}">`,
    `<link href="//${shop.domain}/cdn/shop/t/1/assets/base.css?v=${ASSET_VERSION}" ` +
      'rel="stylesheet" type="text/css" media="all">',
    shopifyGlobalsScript(shop),
    `<script>var meta = ${scriptJson(parts.meta)};</script>`,
    ...apps,
    parts.head ?? "",
  ].join("\n");
}

/** Renders a whole HTML document around a page's parts. */
export function renderLayout(index: StoreIndex, parts: PageParts): string {
  const { shop } = index.store;
  return [
    "<!doctype html>",
    `<html class="no-js" lang="${escapeMarkup(shop.locale)}">`,
    `<head>\n${headMarkup(index, parts)}\n</head>`,
    `<body class="template-${parts.template}">`,
    '<header class="header">',
    `<a href="/" class="header__heading-link">${escapeMarkup(shop.name)}</a>`,
    `${navigation(index)}</header>`,
    `<main id="MainContent" class="content-for-layout">\n${parts.body}\n</main>`,
    footer(index),
    `<script src="//${shop.domain}/cdn/shop/t/1/assets/global.js?v=${ASSET_VERSION}" defer>` +
      "</script>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
