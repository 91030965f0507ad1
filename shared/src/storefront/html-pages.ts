/** The generated store's HTML pages: home, product, collection, page and 404. */

import { formatMoney, productCard, renderLayout } from "./html-layout.ts";
import type { Collection, Page, Product } from "./model.ts";
import { toLiquidProductJs } from "./product-views.ts";
import type { StoreIndex } from "./store-index.ts";
import { escapeMarkup, scriptJson, toCents } from "./text.ts";

/** Products shown per collection page; `?page=` moves through them like a theme does. */
export const COLLECTION_PAGE_SIZE = 24;

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
  "&nbsp;": " ",
};

/** Plain-text summary of body HTML for descriptions (160 characters at most, unescaped). */
function summary(html: string): string {
  const text = html
    .replace(/<[^>]*>/g, " ")
    .replace(/&(?:amp|lt|gt|quot|#39|nbsp);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(/\s+/g, " ");
  return text.trim().slice(0, 160);
}

function grid(index: StoreIndex, products: readonly Product[]): string {
  const cards = products.map((product) => productCard(index.store.shop, product));
  return `<ul class="grid product-grid">\n${cards.join("\n")}\n</ul>`;
}

export function renderHome(index: StoreIndex): string {
  const { shop, collections, products } = index.store;
  const featured = collections.find((c) => c.handle === "frontpage")?.productHandles ?? [];
  const picks = featured.flatMap((handle) => index.productsByHandle.get(handle) ?? []);
  const shown = picks.length > 0 ? picks : products.slice(0, 8);
  return renderLayout(index, {
    title: shop.name,
    description: shop.description,
    canonicalPath: "/",
    meta: { page: { pageType: "home" } },
    template: "index",
    body: `<h1 class="visually-hidden">${escapeMarkup(shop.name)}</h1>\n${grid(index, shown)}`,
  });
}

function productJsonLd(index: StoreIndex, product: Product): string {
  const { shop } = index.store;
  const url = `https://${shop.domain}/products/${product.handle}`;
  const offers = product.variants.map((variant) => ({
    "@type": "Offer",
    sku: variant.sku,
    availability: `https://schema.org/${variant.available ? "InStock" : "OutOfStock"}`,
    price: variant.price,
    priceCurrency: shop.currency,
    url: `${url}?variant=${variant.id}`,
  }));
  const data = {
    "@context": "http://schema.org/",
    "@type": "Product",
    name: product.title,
    url,
    image: product.images.map((image) => image.src),
    description: summary(product.body_html),
    brand: { "@type": "Brand", name: product.vendor },
    offers,
  };
  return `<script type="application/ld+json">${scriptJson(data)}</script>`;
}

function productMeta(product: Product) {
  const variants = product.variants.map((variant) => ({
    id: variant.id,
    price: toCents(variant.price),
    name: variant.title === "Default Title" ? product.title : `${product.title} - ${variant.title}`,
    public_title: variant.title === "Default Title" ? null : variant.title,
    sku: variant.sku,
  }));
  const info = { id: product.id, gid: `gid://shopify/Product/${product.id}`, variants };
  const page = { pageType: "product", resourceType: "product", resourceId: product.id };
  return { product: { ...info, vendor: product.vendor, type: product.product_type }, page };
}

function variantPicker(index: StoreIndex, product: Product): string {
  const options = product.variants.map((variant) => {
    const label = `${variant.title} - ${formatMoney(index.store.shop, variant.price)}`;
    const disabled = variant.available ? "" : " disabled";
    return `<option value="${variant.id}"${disabled}>${escapeMarkup(label)}</option>`;
  });
  return `<select name="id" class="product-form__variants">\n${options.join("\n")}\n</select>`;
}

export function renderProduct(index: StoreIndex, product: Product): string {
  const { shop } = index.store;
  const first = product.variants[0];
  const body = [
    `<h1 class="product__title">${escapeMarkup(product.title)}</h1>`,
    `<p class="product__vendor">${escapeMarkup(product.vendor)}</p>`,
    `<div class="price">${escapeMarkup(formatMoney(shop, first?.price ?? "0.00"))}</div>`,
    `<form method="post" action="/cart/add">${variantPicker(index, product)}`,
    '<button type="submit" name="add">Add to cart</button></form>',
    `<div class="product__description rte">${product.body_html}</div>`,
    `<script type="application/json" data-product-json>${scriptJson(toLiquidProductJs(product))}` +
      "</script>",
  ].join("\n");
  return renderLayout(index, {
    title: `${product.title} – ${shop.name}`,
    description: summary(product.body_html),
    canonicalPath: `/products/${product.handle}`,
    meta: productMeta(product),
    template: "product",
    body,
    head: productJsonLd(index, product),
    ogType: "product",
  });
}

/** A collection page; `collection` null renders Shopify's implicit "all" collection. */
export function renderCollection(
  index: StoreIndex,
  collection: Collection | null,
  products: readonly Product[],
  page: number,
): string {
  const { shop } = index.store;
  const title = collection?.title ?? "Products";
  const start = (page - 1) * COLLECTION_PAGE_SIZE;
  const shown = products.slice(start, start + COLLECTION_PAGE_SIZE);
  const hasNext = start + COLLECTION_PAGE_SIZE < products.length;
  const next = hasNext ? `<a class="pagination__next" href="?page=${page + 1}">Next</a>` : "";
  const handle = collection?.handle ?? "all";
  return renderLayout(index, {
    title: `${title} – ${shop.name}`,
    description: summary(collection?.description ?? "") || shop.description,
    canonicalPath: `/collections/${handle}`,
    meta: {
      page: {
        pageType: "collection",
        resourceType: "collection",
        resourceId: collection?.id ?? null,
      },
    },
    template: "collection",
    body: [
      `<h1 class="collection-hero__title">${escapeMarkup(title)}</h1>`,
      `<div class="collection-hero__description rte">${collection?.description ?? ""}</div>`,
      grid(index, shown),
      next,
    ].join("\n"),
  });
}

export function renderPage(index: StoreIndex, page: Page): string {
  return renderLayout(index, {
    title: `${page.title} – ${index.store.shop.name}`,
    description: summary(page.body_html),
    canonicalPath: `/pages/${page.handle}`,
    meta: { page: { pageType: "page", resourceType: "page", resourceId: page.id } },
    template: "page",
    body:
      `<h1 class="main-page-title">${escapeMarkup(page.title)}</h1>\n` +
      `<div class="rte">${page.body_html}</div>`,
  });
}

export function renderNotFound(index: StoreIndex): string {
  return renderLayout(index, {
    title: `404 Not Found – ${index.store.shop.name}`,
    description: index.store.shop.description,
    canonicalPath: "/404",
    meta: { page: { pageType: "404" } },
    template: "404",
    body:
      "<h1>404 Page not found</h1>\n<p>The page you requested does not exist.</p>\n" +
      '<a href="/collections/all">Continue shopping</a>',
  });
}
