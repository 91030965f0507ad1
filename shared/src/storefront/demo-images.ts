/** Product images of the demo store, with per-colour images linked to their variants. */

import type { ProductImage, ProductVariant } from "./model.ts";
import type { Rng } from "./prng.ts";

export const IMAGE_ID_BASE = 40_200_000_000_000;
const CDN_FILES = "https://cdn.shopify.com/s/files/1/0612/3456/7890/files";
const COLOR_OPTION_NAMES = new Set(["Color", "Colour", "Couleur", "Farbe"]);

/** What the image builder needs to know about its product. */
export interface ImagePlan {
  productId: number;
  productIndex: number;
  handle: string;
  title: string;
  optionNames: readonly string[];
  timestamp: string;
  versionSeconds: number;
}

function makeImage(
  rng: Rng,
  plan: ImagePlan,
  position: number,
  variantIds: number[],
): ProductImage {
  return {
    id: IMAGE_ID_BASE + plan.productIndex * 100 + position,
    created_at: plan.timestamp,
    position,
    updated_at: plan.timestamp,
    product_id: plan.productId,
    variant_ids: variantIds,
    src: `${CDN_FILES}/${plan.handle}-${position}.jpg?v=${plan.versionSeconds + position}`,
    width: 2000,
    height: rng.pick([2000, 2500, 1600]),
  };
}

function optionValue(variant: ProductVariant, slot: number): string | null {
  if (slot === 0) return variant.option1;
  if (slot === 1) return variant.option2;
  return variant.option3;
}

/** One image per colour, each linked to the variants of that colour via variant_ids. */
function colorImages(rng: Rng, plan: ImagePlan, variants: ProductVariant[], slot: number) {
  const colors = [...new Set(variants.map((variant) => optionValue(variant, slot) ?? ""))];
  return colors.map((color, i) => {
    const ids = variants.filter((v) => optionValue(v, slot) === color).map((v) => v.id);
    return { color, image: makeImage(rng, plan, i + 1, ids) };
  });
}

/**
 * Builds the product's images and, for colour variants, sets each variant's
 * `featured_image` (mutating the variants). A few products get no image at all.
 */
export function attachImages(
  rng: Rng,
  plan: ImagePlan,
  variants: ProductVariant[],
): ProductImage[] {
  const slot = plan.optionNames.findIndex((name) => COLOR_OPTION_NAMES.has(name));
  if (slot < 0) {
    const count = rng.chance(0.03) ? 0 : rng.int(1, 3);
    return Array.from({ length: count }, (_, i) => makeImage(rng, plan, i + 1, []));
  }

  const linked = colorImages(rng, plan, variants, slot);
  for (const { color, image } of linked) {
    const alt = `${plan.title} - ${color}`;
    for (const variant of variants) {
      if (optionValue(variant, slot) === color) variant.featured_image = { ...image, alt };
    }
  }
  return linked.map((entry) => entry.image);
}
