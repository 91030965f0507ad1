/** The `Shopify.*` globals a storefront's HTML sets for its theme scripts. */
export interface ShopifyGlobals {
  shop?: string;
  locale?: string;
  country?: string;
  currency?: string;
  theme?: {
    name?: string;
    id?: number;
    schema_name?: string | null;
    schema_version?: string | null;
    theme_store_id?: number | null;
    role?: string;
  };
}

/** Reads `Shopify.shop`, `.theme`, `.currency`, `.locale` and `.country` from a page's HTML. */
export function readShopifyGlobals(html: string): ShopifyGlobals {
  const globals: ShopifyGlobals = {};
  const shop = html.match(/Shopify\.shop\s*=\s*"([^"]+)"/);
  if (shop?.[1]) globals.shop = shop[1];
  const locale = html.match(/Shopify\.locale\s*=\s*"([^"]+)"/);
  if (locale?.[1]) globals.locale = locale[1];
  const country = html.match(/Shopify\.country\s*=\s*"([^"]+)"/);
  if (country?.[1]) globals.country = country[1];
  const currency = readObject(html, "currency");
  if (typeof currency?.active === "string") globals.currency = currency.active;
  const theme = readObject(html, "theme");
  if (theme) globals.theme = theme as ShopifyGlobals["theme"];
  return globals;
}

function readObject(html: string, name: string): Record<string, unknown> | undefined {
  const match = html.match(new RegExp(`Shopify\\.${name}\\s*=\\s*(\\{[^;<]*\\})\\s*;`));
  if (!match?.[1]) return undefined;
  try {
    const value: unknown = JSON.parse(match[1]);
    return typeof value === "object" && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
