/**
 * The other wire shapes of a product: Shopify's single-product `/products/<handle>.json`
 * and the Liquid `product | json` form served at `/products/<handle>.js`.
 */

import type { Product, ProductImage, ProductVariant } from "./model.ts";
import { toCents } from "./text.ts";

function singleImage(image: ProductImage, alt: string | null) {
  return {
    id: image.id,
    product_id: image.product_id,
    position: image.position,
    created_at: image.created_at,
    updated_at: image.updated_at,
    alt,
    width: image.width,
    height: image.height,
    src: image.src,
    variant_ids: image.variant_ids,
  };
}

function singleVariant(variant: ProductVariant) {
  return {
    id: variant.id,
    product_id: variant.product_id,
    title: variant.title,
    price: variant.price,
    sku: variant.sku,
    position: variant.position,
    compare_at_price: variant.compare_at_price,
    fulfillment_service: "manual",
    inventory_management: "shopify",
    option1: variant.option1,
    option2: variant.option2,
    option3: variant.option3,
    created_at: variant.created_at,
    updated_at: variant.updated_at,
    taxable: variant.taxable,
    barcode: "",
    grams: variant.grams,
    image_id: variant.featured_image?.id ?? null,
    weight: variant.grams / 1000,
    weight_unit: "kg",
    requires_shipping: variant.requires_shipping,
  };
}

/**
 * `{ product }` body of `/products/<handle>.json`: tags joined into one ", " string,
 * variants without `available`, options with ids, `image` = first image or null.
 */
export function toSingleProductJson(product: Product) {
  const images = product.images.map((image) => singleImage(image, null));
  return {
    product: {
      id: product.id,
      title: product.title,
      body_html: product.body_html,
      vendor: product.vendor,
      product_type: product.product_type,
      created_at: product.created_at,
      handle: product.handle,
      updated_at: product.updated_at,
      published_at: product.published_at,
      template_suffix: "",
      published_scope: "global",
      tags: product.tags.join(", "),
      variants: product.variants.map(singleVariant),
      options: product.options.map((option) => ({
        id: product.id * 10 + option.position,
        product_id: product.id,
        ...option,
      })),
      images,
      image: images[0] ?? null,
    },
  };
}

/** Protocol-relative CDN URL, as Liquid's `product | json` prints image URLs. */
function liquidUrl(src: string): string {
  return src.replace(/^https?:/, "");
}

function liquidVariant(product: Product, variant: ProductVariant) {
  const isDefault = variant.title === "Default Title";
  const options = [variant.option1, variant.option2, variant.option3].filter((v) => v !== null);
  return {
    id: variant.id,
    title: variant.title,
    option1: variant.option1,
    option2: variant.option2,
    option3: variant.option3,
    sku: variant.sku,
    requires_shipping: variant.requires_shipping,
    taxable: variant.taxable,
    featured_image: variant.featured_image,
    available: variant.available,
    name: isDefault ? product.title : `${product.title} - ${variant.title}`,
    public_title: isDefault ? null : variant.title,
    options,
    price: toCents(variant.price),
    weight: variant.grams,
    compare_at_price: variant.compare_at_price === null ? null : toCents(variant.compare_at_price),
    inventory_management: "shopify",
    barcode: "",
    requires_selling_plan: false,
    selling_plan_allocations: [],
  };
}

/** min/max/varies of a list of cents; an empty list gives zeros, as Liquid does. */
function spread(values: number[]) {
  const min = values.length > 0 ? Math.min(...values) : 0;
  const max = values.length > 0 ? Math.max(...values) : 0;
  return { min, max, varies: min !== max };
}

/**
 * Body of `/products/<handle>.js`: prices are integers in minor units, `options` is the list
 * of option names, `images` are URL strings, `available` is true if any variant is.
 */
export function toLiquidProductJs(product: Product) {
  const prices = spread(product.variants.map((v) => toCents(v.price)));
  const compares = product.variants.flatMap((v) =>
    v.compare_at_price === null ? [] : [toCents(v.compare_at_price)],
  );
  const compare = spread(compares);
  const images = product.images.map((image) => liquidUrl(image.src));
  return {
    id: product.id,
    title: product.title,
    handle: product.handle,
    description: product.body_html,
    published_at: product.published_at,
    created_at: product.created_at,
    vendor: product.vendor,
    type: product.product_type,
    tags: product.tags,
    price: prices.min,
    price_min: prices.min,
    price_max: prices.max,
    available: product.variants.some((variant) => variant.available),
    price_varies: prices.varies,
    compare_at_price: compares.length > 0 ? compare.min : null,
    compare_at_price_min: compare.min,
    compare_at_price_max: compare.max,
    compare_at_price_varies: compare.varies,
    variants: product.variants.map((variant) => liquidVariant(product, variant)),
    images,
    featured_image: images[0] ?? null,
    options: product.options.map((option) => option.name),
    requires_selling_plan: false,
    selling_plan_groups: [],
    content: product.body_html,
  };
}
