/**
 * Functions run inside the rendered page (Playwright serialises them), so they use nothing
 * from outside their own body.
 */

/**
 * Reads each global path (`klaviyo`, `jQuery.fn.jquery`) from `window`: strings, numbers and
 * booleans as text (cut to 200 characters), objects and functions as "". Paths that are
 * missing, null, or throw while read are left out.
 */
export function readGlobalPaths(paths: string[]): Record<string, string> {
  const found: Record<string, string> = {};
  for (const path of paths) {
    try {
      let value: unknown = window;
      for (const key of path.split(".")) {
        if (value === null || value === undefined) break;
        value = (value as Record<string, unknown>)[key];
      }
      if (value === null || value === undefined) continue;
      const kind = typeof value;
      found[path] =
        kind === "string" || kind === "number" || kind === "boolean"
          ? String(value).slice(0, 200)
          : "";
    } catch {
      // A getter that throws tells nothing.
    }
  }
  return found;
}

/**
 * For each selector, the listed properties of the elements it selects (at most 1,000 of
 * them): the first value found per property, as `readGlobalPaths` writes values. Selectors
 * the page rejects and properties no element has are left out.
 */
export function readDomProperties(
  queries: Array<{ selector: string; properties: string[] }>,
): Record<string, Record<string, string>> {
  const found: Record<string, Record<string, string>> = {};
  for (const { selector, properties } of queries) {
    const values: Record<string, string> = {};
    try {
      const elements = Array.from(document.querySelectorAll(selector)).slice(0, 1_000);
      for (const name of properties) {
        for (const element of elements) {
          const value: unknown = (element as unknown as Record<string, unknown>)[name];
          if (value === null || value === undefined) continue;
          const kind = typeof value;
          values[name] =
            kind === "string" || kind === "number" || kind === "boolean"
              ? String(value).slice(0, 200)
              : "";
          break;
        }
      }
    } catch {
      // An invalid selector or a throwing getter tells nothing.
    }
    if (Object.keys(values).length > 0) found[selector] = values;
  }
  return found;
}

/** `window.Shopify`'s store facts, copied into plain JSON (null when the page has none). */
export function readShopifyObject(): Record<string, unknown> | null {
  const shopify = (window as unknown as { Shopify?: Record<string, unknown> }).Shopify;
  if (!shopify || typeof shopify !== "object") return null;
  const pick = (value: unknown) => {
    try {
      return JSON.parse(JSON.stringify(value ?? null));
    } catch {
      return null;
    }
  };
  const currency = pick(shopify.currency) as { active?: unknown } | null;
  return {
    shop: pick(shopify.shop),
    locale: pick(shopify.locale),
    country: pick(shopify.country),
    currency: currency && typeof currency.active === "string" ? currency.active : null,
    theme: pick(shopify.theme),
  };
}
