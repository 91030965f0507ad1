/**
 * A deterministic, realistic demo store for tests, the demo and benchmarks. Prices are in EUR
 * (a French shop, "Maison Démo"); texts mix French, German, English and one Japanese title.
 */

import { buildCollections, buildKindCollections, buildPages } from "./demo-catalog.ts";
import { ADJECTIVES, GIFT_CARD_KIND, PRODUCT_KINDS, type ProductKind } from "./demo-kinds.ts";
import { lazyProducts } from "./demo-lazy.ts";
import { buildProduct, type ProductSpec } from "./demo-products.ts";
import type { Collection, Product, ShopInfo, StoreModel } from "./model.ts";
import { createRng, type Rng } from "./prng.ts";
import { slugify } from "./text.ts";

export const DEMO_DOMAIN = "demo.shopsniffer.test";
export const DEMO_CURRENCY = "EUR";

export interface DemoStoreOptions {
  /** Number of products; default 60. Thousands generate in well under a second. */
  productCount?: number;
  /** PRNG seed; the same seed and count always give the same store. Default 1. */
  seed?: number;
  /** Public domain used in sitemaps and canonical links; default `demo.shopsniffer.test`. */
  domain?: string;
  /**
   * Build each product only when it is served (see demo-lazy.ts), for stores of 100,000
   * products: each product gets its own seed, and the collections are one per product type
   * plus "frontpage", so the same seed and count give another store than the eager one.
   */
  lazy?: boolean;
}

function kindOf(type: string): ProductKind {
  const kind = PRODUCT_KINDS.find((candidate) => candidate.type === type);
  if (!kind) throw new Error(`unknown demo product kind ${type}`);
  return kind;
}

/** Fixed first products, so every store has the traits tests look for, whatever the seed. */
function showcase(): ProductSpec[] {
  const named = (type: string, title: string, extra: Partial<ProductSpec> = {}) => ({
    kind: kindOf(type),
    title,
    handle: slugify(title),
    ...extra,
  });
  return [
    named("T-Shirt", "Salt & Pepper Tee <Limited>", { discount: true, soldOutVariant: true }),
    named("Café", "Café Crème Blend", { discount: true, blankSku: true }),
    { ...named("Thé", "抹茶セット"), handle: "matcha-set" },
    named("Chaussettes", "Größe-Socken Winter", { soldOutVariant: true }),
    named("Soin", "Crème Hydratante à l'Aloe"),
    { kind: GIFT_CARD_KIND, title: "Carte cadeau", handle: "carte-cadeau" },
  ];
}

/** Showcase specs first, then random kinds with unique titles ("Classic Tee No. 2"). */
function productSpecs(rng: Rng, count: number): ProductSpec[] {
  const specs = showcase().slice(0, count);
  const seen = new Map<string, number>();
  while (specs.length < count) {
    const kind = rng.pick(PRODUCT_KINDS);
    const base = `${rng.pick(ADJECTIVES)} ${rng.pick(kind.nouns)}`;
    const key = slugify(base);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const title = n === 1 ? base : `${base} No. ${n}`;
    specs.push({ kind, title, handle: slugify(title) });
  }
  return specs;
}

function demoShop(domain: string): ShopInfo {
  return {
    id: 61_234_567_890,
    name: "Maison Démo",
    description: "Café, crème & coton bio : la boutique de démonstration de ShopSniffer.",
    myshopify_domain: "maison-demo.myshopify.com",
    domain,
    currency: DEMO_CURRENCY,
    country: "FR",
    locale: "en",
    city: "Lyon",
    province: "Auvergne-Rhône-Alpes",
    money_format: "€{{amount}}",
    ships_to_countries: ["FR", "BE", "DE", "CH", "LU"],
    theme: {
      name: "Dawn",
      id: 141_234_567_890,
      theme_store_id: 887,
      schema_name: "Dawn",
      schema_version: "15.0.0",
    },
  };
}

/** Generates the demo store; deterministic for given options (no Math.random, no clock). */
export function generateDemoStore(options: DemoStoreOptions = {}): StoreModel {
  const count = Math.max(0, Math.floor(options.productCount ?? 60));
  const seed = options.seed ?? 1;
  const rng = createRng(seed);
  const specs = productSpecs(rng, count);
  const catalog = options.lazy ? lazyCatalog(seed, specs) : eagerCatalog(rng, specs);
  return {
    shop: demoShop(options.domain ?? DEMO_DOMAIN),
    ...catalog,
    pages: buildPages(),
    appScripts: [
      "https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=XyZ9aB",
      "https://cdn.judge.me/shopify_v2.js",
      "https://cdn.shopify.com/extensions/0199a1b2/forms/assets/loader.js?shop=maison-demo&v=3",
    ],
  };
}

interface Catalog {
  products: readonly Product[];
  collections: Collection[];
}

function eagerCatalog(rng: Rng, specs: ProductSpec[]): Catalog {
  const products = specs.map((spec, i) => buildProduct(rng, i, spec));
  return { products, collections: buildCollections(rng, products) };
}

/** Product `i` is built from its own seed, so it comes out the same whenever it is built. */
function lazyCatalog(seed: number, specs: ProductSpec[]): Catalog {
  const build = (i: number) =>
    buildProduct(createRng(productSeed(seed, i)), i, specs[i] as ProductSpec);
  const products = lazyProducts(
    specs.map((spec) => spec.handle),
    build,
  );
  return { products, collections: buildKindCollections(specs) };
}

function productSeed(seed: number, index: number): number {
  return (Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
}
