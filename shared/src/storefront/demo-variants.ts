/** Builds the variants of one demo product: every combination of its chosen option values. */

import type { OptionAxis } from "./demo-kinds.ts";
import type { ProductVariant } from "./model.ts";
import type { Rng } from "./prng.ts";
import { formatCents } from "./text.ts";

/** Variant ids are derived from the product's index so that they never collide. */
export const VARIANT_ID_BASE = 45_100_000_000_000;
const MAX_VARIANTS_PER_PRODUCT = 100;

/** What the variant builder needs to know about its product. */
export interface VariantPlan {
  productId: number;
  productIndex: number;
  /** Option axes narrowed to the values this product offers; empty for "Default Title". */
  axes: readonly OptionAxis[];
  baseCents: number;
  /** Percentage off; 0 means no compare-at price. */
  discountPercent: number;
  grams: number;
  requiresShipping: boolean;
  /** SKU stem; "" gives every variant an empty SKU. */
  skuBase: string;
  /** Probability that a given variant has an empty SKU anyway. */
  blankSkuChance: number;
  /** Probability that a variant is sold out; 1 marks the whole product sold out. */
  soldOutChance: number;
  timestamp: string;
}

interface Combo {
  values: string[];
  cents: number;
}

function combinations(axes: readonly OptionAxis[], baseCents: number): Combo[] {
  let combos: Combo[] = [{ values: [], cents: baseCents }];
  for (const axis of axes) {
    combos = combos.flatMap((combo) =>
      axis.values.map((value, step) => ({
        values: [...combo.values, value],
        cents: axis.valueCents?.[step] ?? combo.cents + step * axis.stepCents,
      })),
    );
  }
  return combos;
}

/** The whole-unit compare-at price for which `cents` is about `percent` off (always higher). */
function compareAt(cents: number, percent: number): string | null {
  if (percent <= 0) return null;
  return formatCents(Math.ceil((cents * 100) / (100 - percent) / 100) * 100);
}

/** Returns one variant per option combination, positions starting at 1. */
export function buildVariants(rng: Rng, plan: VariantPlan): ProductVariant[] {
  const combos = combinations(plan.axes, plan.baseCents).slice(0, MAX_VARIANTS_PER_PRODUCT);
  return combos.map((combo, k) => {
    const values = combo.values.length > 0 ? combo.values : ["Default Title"];
    const blankSku = plan.skuBase === "" || rng.chance(plan.blankSkuChance);
    return {
      id: VARIANT_ID_BASE + plan.productIndex * MAX_VARIANTS_PER_PRODUCT + k,
      title: values.join(" / "),
      option1: values[0] ?? null,
      option2: values[1] ?? null,
      option3: values[2] ?? null,
      sku: blankSku ? "" : `${plan.skuBase}-${String(k + 1).padStart(2, "0")}`,
      requires_shipping: plan.requiresShipping,
      taxable: plan.requiresShipping,
      featured_image: null,
      available: !rng.chance(plan.soldOutChance),
      price: formatCents(combo.cents),
      grams: plan.grams,
      compare_at_price: compareAt(combo.cents, plan.discountPercent),
      position: k + 1,
      product_id: plan.productId,
      created_at: plan.timestamp,
      updated_at: plan.timestamp,
    };
  });
}
