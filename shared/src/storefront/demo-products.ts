/** Builds one realistic demo product from a kind, a seeded random source and its position. */

import { attachImages } from "./demo-images.ts";
import type { OptionAxis, ProductKind } from "./demo-kinds.ts";
import { buildVariants } from "./demo-variants.ts";
import type { Product, ProductOption, ProductVariant } from "./model.ts";
import type { Rng } from "./prng.ts";
import { escapeMarkup, formatShopifyTime } from "./text.ts";

export const PRODUCT_ID_BASE = 8_100_000_000_000;
/** Products are created one every few hours from this instant on, so ids and dates agree. */
const CATALOGUE_START_MS = Date.UTC(2023, 0, 9, 8, 0, 0);
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A product to build: its kind plus optional fixed traits that tests rely on. */
export interface ProductSpec {
  kind: ProductKind;
  title: string;
  handle: string;
  /** Force a compare-at price on every variant. */
  discount?: boolean;
  /** Force the first variant to be sold out. */
  soldOutVariant?: boolean;
  /** Force the last variant's SKU to be empty. */
  blankSku?: boolean;
}

const BLURBS = [
  "Pensé à Paris, fabriqué avec soin en petite série.",
  "Qualität, die bleibt: sorgfältig ausgewählte Materialien und faire Größe.",
  "Idéal avec un café crème le dimanche matin.",
  "Made to last, with a relaxed fit and a soft hand feel.",
  "Une création saisonnière, à découvrir avant la fin de l'été.",
] as const;

const DETAILS = [
  "Livraison offerte dès 50 €",
  "Emballage recyclé",
  "Fabriqué en Europe",
  "Retours gratuits sous 30 jours",
  "Zertifiziert nach GOTS",
  "Limited run & numbered",
] as const;

function describe(rng: Rng, spec: ProductSpec): string {
  const items = rng.sample(DETAILS, 3).map((item) => `<li>${escapeMarkup(item)}</li>`);
  return [
    `<p><strong>${escapeMarkup(spec.title)}</strong> — ${escapeMarkup(rng.pick(BLURBS))}</p>`,
    `<ul>${items.join("")}</ul>`,
    `<p>Type&nbsp;: ${escapeMarkup(spec.kind.type)}. Café, crème, Größe&nbsp;: tout est là.</p>`,
  ].join("\n");
}

function chooseAxes(rng: Rng, kind: ProductKind): OptionAxis[] {
  return kind.axes.map((axis) => {
    if (axis.valueCents) return axis;
    return { ...axis, values: rng.sample(axis.values, rng.int(axis.min, axis.values.length)) };
  });
}

function toOptions(axes: readonly OptionAxis[]): ProductOption[] {
  if (axes.length === 0) return [{ name: "Title", position: 1, values: ["Default Title"] }];
  return axes.map((axis, i) => ({ name: axis.name, position: i + 1, values: [...axis.values] }));
}

function chooseTags(rng: Rng, kind: ProductKind, discounted: boolean): string[] {
  const tags = rng.sample(kind.tags, rng.int(1, kind.tags.length));
  if (discounted) tags.push("sale");
  if (rng.chance(0.15)) tags.push("Édition limitée");
  return tags.sort();
}

function basePrice(rng: Rng, kind: ProductKind): number {
  const [low, high] = kind.priceCents;
  const whole = rng.int(Math.floor(low / 100), Math.floor(high / 100)) * 100;
  return whole === 0 ? 0 : whole - (rng.chance(0.5) ? 10 : 0);
}

/** Identity and timing of a product under construction. */
interface Draft {
  id: number;
  index: number;
  createdMs: number;
  created: string;
  axes: OptionAxis[];
}

function draftVariants(rng: Rng, spec: ProductSpec, draft: Draft, discounted: boolean) {
  const variants = buildVariants(rng, {
    productId: draft.id,
    productIndex: draft.index,
    axes: draft.axes,
    baseCents: basePrice(rng, spec.kind),
    discountPercent: discounted ? rng.int(15, 40) : 0,
    grams: spec.kind.grams,
    requiresShipping: spec.kind.requiresShipping,
    skuBase: spec.kind.skuPrefix && `${spec.kind.skuPrefix}-${1000 + draft.index}`,
    blankSkuChance: 0.08,
    soldOutChance: rng.chance(0.05) ? 1 : 0.15,
    timestamp: draft.created,
  });
  applyForcedTraits(spec, variants);
  return variants;
}

function draftImages(rng: Rng, spec: ProductSpec, draft: Draft, variants: ProductVariant[]) {
  const plan = {
    productId: draft.id,
    productIndex: draft.index,
    handle: spec.handle,
    title: spec.title,
    optionNames: draft.axes.map((axis) => axis.name),
    timestamp: draft.created,
    versionSeconds: Math.floor(draft.createdMs / 1000),
  };
  return attachImages(rng, plan, variants);
}

/** Builds the product at catalogue position `index` (0-based; later means newer, larger id). */
export function buildProduct(rng: Rng, index: number, spec: ProductSpec): Product {
  const id = PRODUCT_ID_BASE + index * 10_000 + rng.int(0, 9_999);
  const createdMs = CATALOGUE_START_MS + index * 6 * HOUR_MS + rng.int(0, 5 * HOUR_MS);
  const updatedMs = createdMs + rng.int(0, 120 * DAY_MS);
  const created = formatShopifyTime(createdMs);
  const draft: Draft = { id, index, createdMs, created, axes: chooseAxes(rng, spec.kind) };
  const discounted = spec.discount === true || rng.chance(0.25);
  const variants = draftVariants(rng, spec, draft, discounted);
  const images = draftImages(rng, spec, draft, variants);

  return {
    id,
    title: spec.title,
    handle: spec.handle,
    body_html: describe(rng, spec),
    published_at: formatShopifyTime(createdMs + rng.int(10 * 60_000, 2 * DAY_MS)),
    created_at: created,
    updated_at: formatShopifyTime(updatedMs),
    vendor: rng.pick(spec.kind.vendors),
    product_type: spec.kind.type,
    tags: chooseTags(rng, spec.kind, discounted),
    variants,
    images,
    options: toOptions(draft.axes),
  };
}

function applyForcedTraits(spec: ProductSpec, variants: ProductVariant[]): void {
  const first = variants[0];
  const last = variants[variants.length - 1];
  if (spec.soldOutVariant && first) first.available = false;
  if (spec.soldOutVariant && last && last !== first) last.available = true;
  if (spec.blankSku && last) last.sku = "";
}
