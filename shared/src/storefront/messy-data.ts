/**
 * The messy product data real stores serve, as a view over a clean product: what the
 * `messy` catalog mode sends for its handles in every product list.
 */

import type { Product } from "./model.ts";

/** Text with the characters that break naive CSV and HTML handling. */
export const MESSY_TEXT = 'Said "hello", then left;\nline two, with a comma';

/**
 * `product` with null `body_html`, `vendor`, `sku` and `compare_at_price`, no images, no tags,
 * no variant images, and a title full of quotes, commas and a line break.
 */
export function messyProduct(product: Product): Record<string, unknown> {
  return {
    ...product,
    title: `${product.title} ${MESSY_TEXT}`,
    body_html: null,
    vendor: null,
    tags: [],
    images: [],
    variants: product.variants.map((variant) => ({
      ...variant,
      sku: null,
      compare_at_price: null,
      featured_image: null,
    })),
  };
}
