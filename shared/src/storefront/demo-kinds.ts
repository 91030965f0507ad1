/**
 * The product kinds of the demo store: what each sells, who makes it, which options its
 * variants vary by and how much it costs. Pure data, read by demo-products.ts.
 */

/** One option axis; the generator keeps between `min` and all of `values`. */
export interface OptionAxis {
  name: string;
  values: readonly string[];
  min: number;
  /** Cents added to the base price per step along this axis (larger size, heavier bag). */
  stepCents: number;
  /** Fixed price per value, replacing the base price (gift card amounts). */
  valueCents?: readonly number[];
}

export interface ProductKind {
  type: string;
  vendors: readonly string[];
  nouns: readonly string[];
  /** Empty: a single "Default Title" variant, as Shopify makes for option-less products. */
  axes: readonly OptionAxis[];
  priceCents: readonly [number, number];
  grams: number;
  requiresShipping: boolean;
  skuPrefix: string;
  tags: readonly string[];
}

const SIZES: OptionAxis = {
  name: "Size",
  values: ["XS", "S", "M", "L", "XL"],
  min: 3,
  stepCents: 0,
};
const COLORS: OptionAxis = {
  name: "Color",
  values: ["Black", "Écru", "Navy", "Olive", "Bordeaux", "Gris chiné"],
  min: 2,
  stepCents: 0,
};

export const ADJECTIVES = [
  "Classic",
  "Organic",
  "Vintage",
  "Élégant",
  "Essential",
  "Heritage",
  "Coastal",
  "Urban",
  "Brushed",
  "Nordic",
  "Rustique",
  "Soleil",
  "Alpine",
  "Midnight",
  "Façade",
] as const;

export const PRODUCT_KINDS: readonly ProductKind[] = [
  {
    type: "T-Shirt",
    vendors: ["Nordic Thread Co.", "Atelier Lumière"],
    nouns: ["Tee", "Pocket Tee", "Crew T-Shirt", "Heavyweight Tee"],
    axes: [SIZES, COLORS],
    priceCents: [1900, 3900],
    grams: 180,
    requiresShipping: true,
    skuPrefix: "TS",
    tags: ["cotton", "apparel", "bestseller"],
  },
  {
    type: "Hoodie",
    vendors: ["Nordic Thread Co."],
    nouns: ["Hoodie", "Zip Hoodie", "Sweat à capuche"],
    axes: [SIZES, COLORS],
    priceCents: [4900, 8900],
    grams: 620,
    requiresShipping: true,
    skuPrefix: "HD",
    tags: ["apparel", "winter"],
  },
  {
    type: "Chaussettes",
    vendors: ["Strickwerk Müller"],
    nouns: ["Wollsocken", "Chaussettes Mérinos", "Socken"],
    axes: [{ name: "Größe", values: ["35–38", "39–42", "43–46"], min: 2, stepCents: 0 }, COLORS],
    priceCents: [900, 1900],
    grams: 80,
    requiresShipping: true,
    skuPrefix: "SK",
    tags: ["wool", "apparel", "gift"],
  },
  {
    type: "Café",
    vendors: ["Kaffeerösterei Müller", "Café Crème & Fils"],
    nouns: ["Café Éthiopie", "Espresso Blend", "Café Crème", "Décaféiné"],
    axes: [
      { name: "Poids", values: ["250 g", "500 g", "1 kg"], min: 2, stepCents: 900 },
      { name: "Mouture", values: ["Grains", "Filtre", "Espresso"], min: 2, stepCents: 0 },
    ],
    priceCents: [890, 1890],
    grams: 250,
    requiresShipping: true,
    skuPrefix: "CF",
    tags: ["coffee", "bio", "fairtrade"],
  },
  {
    type: "Thé",
    vendors: ["Maison Théière"],
    nouns: ["Thé vert Sencha", "Earl Grey Crème", "Rooibos", "Genmaicha"],
    axes: [{ name: "Poids", values: ["50 g", "100 g", "250 g"], min: 2, stepCents: 500 }],
    priceCents: [690, 1490],
    grams: 100,
    requiresShipping: true,
    skuPrefix: "TH",
    tags: ["tea", "bio"],
  },
  {
    type: "Soin",
    vendors: ["Atelier Lumière", "Herbes & Co."],
    nouns: ["Crème Hydratante", "Baume à lèvres", "Huile Visage", "Savon Surgras"],
    axes: [],
    priceCents: [800, 4500],
    grams: 120,
    requiresShipping: true,
    skuPrefix: "SN",
    tags: ["skincare", "vegan", "bio"],
  },
  {
    type: "Bougie",
    vendors: ["Herbes & Co."],
    nouns: ["Bougie parfumée", "Candle Jar", "Bougie de voyage"],
    axes: [
      {
        name: "Parfum",
        values: ["Figue", "Vétiver", "Fleur d'oranger", "Bois de santal"],
        min: 2,
        stepCents: 0,
      },
    ],
    priceCents: [1800, 3800],
    grams: 300,
    requiresShipping: true,
    skuPrefix: "BG",
    tags: ["home", "gift"],
  },
  {
    type: "Mug",
    vendors: ["Keramik Größenwahn", "Atelier Lumière"],
    nouns: ["Mug", "Tasse à café", "Espresso Cup"],
    axes: [],
    priceCents: [1200, 2600],
    grams: 350,
    requiresShipping: true,
    skuPrefix: "MG",
    tags: ["home", "ceramic"],
  },
  {
    type: "Affiche",
    vendors: ["Studio Ligne Claire"],
    nouns: ["Affiche Paris", "Poster Berlin", "Print Kyoto"],
    axes: [{ name: "Format", values: ["A4", "A3", "A2", "50×70 cm"], min: 2, stepCents: 800 }],
    priceCents: [1500, 2900],
    grams: 200,
    requiresShipping: true,
    skuPrefix: "AF",
    tags: ["art", "home"],
  },
];

/** Gift cards ship nothing, are not taxed and have no SKU, like Shopify's own gift cards. */
export const GIFT_CARD_KIND: ProductKind = {
  type: "Carte cadeau",
  vendors: ["Maison Démo"],
  nouns: ["Carte cadeau"],
  axes: [
    {
      name: "Montant",
      values: ["25 €", "50 €", "100 €"],
      min: 3,
      stepCents: 0,
      valueCents: [2500, 5000, 10000],
    },
  ],
  priceCents: [0, 0],
  grams: 0,
  requiresShipping: false,
  skuPrefix: "",
  tags: ["gift"],
};
