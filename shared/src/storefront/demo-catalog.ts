/** Collections and pages of the demo store, derived from its generated products. */

import type { ProductSpec } from "./demo-products.ts";
import type { Collection, Page, Product } from "./model.ts";
import type { Rng } from "./prng.ts";
import { formatShopifyTime, slugify, toCents } from "./text.ts";

const COLLECTION_ID_BASE = 290_500_000_000;
const PAGE_ID_BASE = 101_700_000_000;
const CATALOGUE_TIME_MS = Date.UTC(2024, 4, 2, 9, 30, 0);
const COLLECTION_IMAGES = "https://cdn.shopify.com/s/files/1/0612/3456/7890/collections";

interface CollectionSpec {
  handle: string;
  title: string;
  description: string;
  pick: (products: Product[]) => Product[];
}

const hasType =
  (...types: string[]) =>
  (products: Product[]) =>
    products.filter((product) => types.includes(product.product_type));

const isDiscounted = (product: Product): boolean =>
  product.variants.some(
    (v) => v.compare_at_price !== null && toCents(v.compare_at_price) > toCents(v.price),
  );

function collectionSpecs(rng: Rng): CollectionSpec[] {
  return [
    { handle: "frontpage", title: "Home page", description: "", pick: (all) => rng.sample(all, 8) },
    {
      handle: "vetements",
      title: "Vêtements",
      description: "<p>T-shirts, sweats et chaussettes en coton bio.</p>",
      pick: hasType("T-Shirt", "Hoodie", "Chaussettes"),
    },
    {
      handle: "cafe-the",
      title: "Café & Thé",
      description: "<p>Torréfié à Lyon, infusé partout. <em>Größe</em> au choix.</p>",
      pick: hasType("Café", "Thé"),
    },
    {
      handle: "soldes",
      title: "Soldes",
      description: "<p>Jusqu'à -40&nbsp;% sur une sélection.</p>",
      pick: (all) => all.filter(isDiscounted),
    },
    {
      handle: "nouveautes",
      title: "Nouveautés",
      description: "<p>Les dernières arrivées.</p>",
      pick: (all) => all.slice(-12).reverse(),
    },
    {
      handle: "idees-cadeaux",
      title: "Idées cadeaux",
      description: "<p>Pour faire plaisir &amp; se faire plaisir.</p>",
      pick: (all) => all.filter((product) => product.tags.includes("gift")),
    },
    {
      handle: "ete-2019",
      title: "Été 2019",
      description: "<p>Collection archivée.</p>",
      pick: () => [],
    },
  ];
}

/** Seven custom collections; "ete-2019" is always empty, "frontpage" holds 8 products. */
export function buildCollections(rng: Rng, products: Product[]): Collection[] {
  return collectionSpecs(rng).map((spec, i) => {
    const members = spec.pick(products);
    const stamp = formatShopifyTime(CATALOGUE_TIME_MS + i * 86_400_000);
    const withImage = i % 2 === 1;
    return {
      id: COLLECTION_ID_BASE + i * 1_000 + rng.int(0, 999),
      handle: spec.handle,
      title: spec.title,
      description: spec.description,
      published_at: stamp,
      updated_at: stamp,
      image: withImage
        ? {
            created_at: stamp,
            alt: null,
            width: 1600,
            height: 900,
            src: `${COLLECTION_IMAGES}/${spec.handle}.jpg?v=${1714641000 + i}`,
          }
        : null,
      products_count: members.length,
      productHandles: members.map((product) => product.handle),
    };
  });
}

/**
 * The collections of a lazy (large) store, made from the product specs alone so no product is
 * built: "frontpage" with the first 8 products, then one collection per product type, each
 * listing its products in catalog order (catalog modes can still hide some).
 */
export function buildKindCollections(specs: readonly ProductSpec[]): Collection[] {
  const byType = new Map<string, string[]>();
  for (const spec of specs) {
    const handles = byType.get(spec.kind.type) ?? [];
    handles.push(spec.handle);
    byType.set(spec.kind.type, handles);
  }
  const frontpage = specs.slice(0, 8).map((spec) => spec.handle);
  const lists: [string, string, string[]][] = [
    ["frontpage", "Home page", frontpage],
    ...[...byType].map(([type, handles]): [string, string, string[]] => [
      slugify(type),
      type,
      handles,
    ]),
  ];
  return lists.map(([handle, title, productHandles], i) => {
    const stamp = formatShopifyTime(CATALOGUE_TIME_MS + i * 86_400_000);
    return {
      id: COLLECTION_ID_BASE + i * 1_000,
      handle,
      title,
      description: "",
      published_at: stamp,
      updated_at: stamp,
      image: null,
      products_count: productHandles.length,
      productHandles,
    };
  });
}

const PAGES: readonly [string, string, string][] = [
  ["a-propos", "À propos", "<p>Maison Démo est née à Lyon en 2019, autour d'un café crème.</p>"],
  ["contact", "Contact", '<p>Écrivez-nous : <a href="mailto:bonjour@example.com">bonjour</a></p>'],
  [
    "livraison-retours",
    "Livraison & retours",
    "<h2>Livraison</h2><p>48&nbsp;h en France métropolitaine.</p><h2>Retours</h2><p>30 jours.</p>",
  ],
  ["faq", "FAQ", "<h3>Quelle Größe choisir ?</h3><p>Consultez notre guide des tailles.</p>"],
  ["mentions-legales", "Mentions légales", "<p>SAS Maison Démo &mdash; RCS Lyon 000 000 000.</p>"],
];

/** Five online-store pages with French, accented titles and bodies. */
export function buildPages(): Page[] {
  return PAGES.map(([handle, title, body], i) => {
    const stamp = formatShopifyTime(CATALOGUE_TIME_MS - (i + 1) * 7 * 86_400_000);
    return {
      id: PAGE_ID_BASE + i * 31,
      handle,
      title,
      body_html: body,
      created_at: stamp,
      updated_at: stamp,
    };
  });
}
