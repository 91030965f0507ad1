/**
 * The columns of Shopify's product import CSV, in Shopify's order. The storefront does not
 * reveal inventory, SEO fields or the product category, so those cells stay blank and
 * Shopify's importer applies its defaults.
 */
export const CSV_COLUMNS = [
  "Handle",
  "Title",
  "Body (HTML)",
  "Vendor",
  "Product Category",
  "Type",
  "Tags",
  "Published",
  "Option1 Name",
  "Option1 Value",
  "Option2 Name",
  "Option2 Value",
  "Option3 Name",
  "Option3 Value",
  "Variant SKU",
  "Variant Grams",
  "Variant Inventory Tracker",
  "Variant Inventory Qty",
  "Variant Inventory Policy",
  "Variant Fulfillment Service",
  "Variant Price",
  "Variant Compare At Price",
  "Variant Requires Shipping",
  "Variant Taxable",
  "Variant Barcode",
  "Image Src",
  "Image Position",
  "Image Alt Text",
  "Gift Card",
  "SEO Title",
  "SEO Description",
  "Variant Image",
  "Variant Weight Unit",
  "Status",
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** One CSV row; absent columns are written as empty cells. */
export type CsvRow = Partial<Record<CsvColumn, string>>;
