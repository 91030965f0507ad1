import type { ImageView, ProductView, VariantView } from "../product-view.ts";
import type { CsvRow } from "./csv-columns.ts";

/**
 * The CSV rows of one product, in Shopify's documented layout: the first row carries the
 * product fields, the first variant and the first image; each further variant gets a row
 * with the handle and variant fields; each further image gets a row with the handle and the
 * image fields only. A product without variants still gets its product row.
 */
export function productCsvRows(product: ProductView): CsvRow[] {
  const [firstImage, ...moreImages] = product.images;
  const [firstVariant, ...moreVariants] = product.variants;
  const first: CsvRow = {
    ...productFields(product),
    ...(firstVariant ? variantFields(firstVariant) : {}),
    ...(firstImage ? imageFields(firstImage, 1) : {}),
  };
  const variantRows = moreVariants.map((variant) => ({
    Handle: product.handle,
    ...variantFields(variant),
  }));
  const imageRows = moreImages.map((image, i) => ({
    Handle: product.handle,
    ...imageFields(image, i + 2),
  }));
  return [first, ...variantRows, ...imageRows];
}

function productFields(product: ProductView): CsvRow {
  const [option1, option2, option3] = product.optionNames;
  return {
    Handle: product.handle,
    Title: product.title,
    "Body (HTML)": product.bodyHtml,
    Vendor: product.vendor,
    Type: product.productType,
    Tags: product.tags.join(", "),
    Published: flag(product.published),
    "Option1 Name": option1 ?? "",
    "Option2 Name": option2 ?? "",
    "Option3 Name": option3 ?? "",
    "Gift Card": flag(product.giftCard),
    // Only active products are visible on a storefront.
    Status: "active",
  };
}

function variantFields(variant: VariantView): CsvRow {
  const [option1, option2, option3] = variant.options;
  return {
    "Option1 Value": option1 ?? "",
    "Option2 Value": option2 ?? "",
    "Option3 Value": option3 ?? "",
    "Variant SKU": variant.sku,
    "Variant Grams": variant.grams === null ? "" : String(variant.grams),
    "Variant Inventory Tracker": variant.inventoryManagement,
    // The only value valid without a fulfillment app; the storefront does not say.
    "Variant Fulfillment Service": "manual",
    "Variant Price": variant.price ?? "",
    "Variant Compare At Price": variant.compareAtPrice ?? "",
    "Variant Requires Shipping": optionalFlag(variant.requiresShipping),
    "Variant Taxable": optionalFlag(variant.taxable),
    "Variant Barcode": variant.barcode,
    "Variant Image": variant.imageSrc ?? "",
    "Variant Weight Unit": variant.grams === null ? "" : "g",
  };
}

function imageFields(image: ImageView, position: number): CsvRow {
  return {
    "Image Src": image.src,
    "Image Position": String(position),
    "Image Alt Text": image.alt ?? "",
  };
}

function flag(value: boolean): string {
  return value ? "TRUE" : "FALSE";
}

function optionalFlag(value: boolean | null): string {
  return value === null ? "" : flag(value);
}
