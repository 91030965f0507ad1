/**
 * In-memory model of a Shopify store as its public storefront exposes it. Field names of the
 * product, variant, image and option types follow Shopify's `/products.json` wire shape, so a
 * product can be served as is; camelCase fields are our own bookkeeping and never served raw.
 * Timestamps are ISO 8601 strings with an offset, the way Shopify prints them.
 */

/** The theme a storefront page announces in its `Shopify.theme` global. */
export interface ThemeInfo {
  name: string;
  id: number;
  /** Null for a custom theme that was not installed from the Shopify theme store. */
  theme_store_id: number | null;
  schema_name: string | null;
  schema_version: string | null;
}

/** Shop-level facts, the source of `/meta.json`, the page globals and the response headers. */
export interface ShopInfo {
  /** Numeric shop id, sent as `x-shopid` and used in robots.txt checkout paths. */
  id: number;
  name: string;
  description: string;
  myshopify_domain: string;
  /** Public (primary) domain; sitemaps and canonical links use it, never the local origin. */
  domain: string;
  /** ISO 4217 code, e.g. "EUR". */
  currency: string;
  /** ISO 3166-1 alpha-2 code, e.g. "FR". */
  country: string;
  locale: string;
  city: string;
  province: string;
  money_format: string;
  ships_to_countries: string[];
  theme: ThemeInfo;
}

/** A product image in the `/products.json` shape. */
export interface ProductImage {
  id: number;
  created_at: string;
  position: number;
  updated_at: string;
  product_id: number;
  variant_ids: number[];
  src: string;
  width: number;
  height: number;
}

/** The image object embedded in a variant's `featured_image`; it carries `alt`. */
export interface VariantImage extends ProductImage {
  alt: string | null;
}

/** A variant in the `/products.json` shape. Prices are decimal strings such as "12.00". */
export interface ProductVariant {
  id: number;
  title: string;
  option1: string | null;
  option2: string | null;
  option3: string | null;
  /** May be the empty string: many real stores leave SKUs blank. */
  sku: string;
  requires_shipping: boolean;
  taxable: boolean;
  featured_image: VariantImage | null;
  available: boolean;
  price: string;
  grams: number;
  /** Greater than `price` when the variant is discounted; null when there is no compare price. */
  compare_at_price: string | null;
  position: number;
  product_id: number;
  created_at: string;
  updated_at: string;
}

export interface ProductOption {
  name: string;
  position: number;
  values: string[];
}

/** A product exactly as one element of `/products.json`'s `products` array. */
export interface Product {
  id: number;
  title: string;
  handle: string;
  body_html: string;
  published_at: string;
  created_at: string;
  updated_at: string;
  vendor: string;
  product_type: string;
  tags: string[];
  variants: ProductVariant[];
  images: ProductImage[];
  options: ProductOption[];
}

export interface CollectionImage {
  created_at: string;
  alt: string | null;
  width: number;
  height: number;
  src: string;
}

/** A custom collection; `productHandles` lists its products in display order. */
export interface Collection {
  id: number;
  handle: string;
  title: string;
  /** Body HTML, served as `description` in `/collections.json`. */
  description: string;
  published_at: string;
  updated_at: string;
  image: CollectionImage | null;
  products_count: number;
  productHandles: string[];
}

/** An online-store page (`/pages/<handle>`). */
export interface Page {
  id: number;
  handle: string;
  title: string;
  body_html: string;
  created_at: string;
  updated_at: string;
}

/** Everything the local storefront serves in generated mode. */
export interface StoreModel {
  shop: ShopInfo;
  /** Ordered by ascending id, as `/products.json` and the sitemaps list them. */
  products: readonly Product[];
  collections: Collection[];
  pages: Page[];
  /** Absolute script URLs of installed apps, emitted as `<script async src>` on every page. */
  appScripts: string[];
}
