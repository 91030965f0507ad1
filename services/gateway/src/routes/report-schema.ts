import { t } from "elysia";

const nullable = <T extends Parameters<typeof t.Union>[0][number]>(
  schema: T,
  description: string,
) => t.Union([schema, t.Null()], { description });

const variant = t.Object({
  id: nullable(t.Number(), "Shopify variant id."),
  title: nullable(t.String(), "Variant title, e.g. `10 / Fog`."),
  price: nullable(t.String(), "Decimal string in the store's currency, e.g. `98.00`."),
  compare_at_price: nullable(t.String(), "Price before a discount; null when none."),
  sku: nullable(t.String(), "SKU; null or empty when the store left it blank."),
  inventory_quantity: t.Null({
    description: "Always null: the public storefront does not expose stock levels.",
  }),
});

const product = t.Object({
  id: nullable(t.Number(), "Shopify product id."),
  title: nullable(t.String(), "Product title."),
  handle: nullable(t.String(), "URL handle: `/products/<handle>`."),
  vendor: nullable(t.String(), "Vendor."),
  product_type: nullable(t.String(), "Product type."),
  tags: t.Array(t.String(), { description: "Tags, as an array." }),
  variants: t.Array(variant, { description: "Variants, in the store's order." }),
  images: t.Array(
    t.Object({
      src: nullable(t.String(), "Image URL on Shopify's CDN."),
      alt: nullable(t.String(), "Alt text; null when the storefront gives none."),
    }),
    { description: "Images, in the store's order." },
  ),
});

const collection = t.Object({
  id: nullable(t.Number(), "Shopify collection id; null when only the sitemap named it."),
  title: nullable(t.String(), "Collection title."),
  handle: t.String({ description: "URL handle: `/collections/<handle>`." }),
  body_html: nullable(t.String(), "Description HTML."),
  image: t.Unknown({ description: "The collection image `{src, alt, width, height}`, or null." }),
  product_handles: t.Array(t.String(), { description: "Handles of its products, in order." }),
});

const page = t.Object({
  id: nullable(t.Number(), "Shopify page id."),
  title: nullable(t.String(), "Page title."),
  handle: t.String({ description: "URL handle: `/pages/<handle>`." }),
  body_html: nullable(t.String(), "Page HTML; null when it could not be read."),
});

/** `GET /api/reports/:id`: the reference's report shape. */
export const reportResponse = t.Object({
  job: t.Object(
    {
      id: t.String({ description: "Job UUID." }),
      domain: t.String({ description: "The store's domain." }),
      status: t.String({ description: "pending, processing, completed or errored." }),
    },
    { description: "The job the catalog belongs to." },
  ),
  counts: t.Object(
    {
      products: t.Number({ description: "Products indexed." }),
      collections: t.Number({ description: "Collections indexed." }),
      pages: t.Number({ description: "Pages indexed." }),
    },
    { description: "How many of each the job indexed." },
  ),
  products: t.Array(product, { description: "Every product, as `products.json` has it." }),
  collections: t.Array(collection, { description: "Every collection." }),
  pages: t.Array(page, { description: "Every page." }),
});
