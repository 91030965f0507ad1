/** What a detection rests on: the trace in the page that matched, in a form a person can check. */
export interface Evidence {
  /**
   * `script_src`: a script URL in the page or one the browser requested; `request`: another
   * request the page made; `script`: the text of a script; `html`, `meta`, `header`,
   * `cookie`; `js`: a global variable; `dom`: an element matching a CSS selector; `url`: the
   * page address; `shop_param`: a script Shopify loads with `?shop=`; `app_extension`: a
   * theme app extension asset; `implied`: implied by another detection.
   */
  kind:
    | "script_src"
    | "request"
    | "script"
    | "html"
    | "meta"
    | "header"
    | "cookie"
    | "js"
    | "dom"
    | "url"
    | "shop_param"
    | "app_extension"
    | "implied";
  /** The URL, selector, global path, header or meta name that matched. */
  value: string;
  /** What was found there when it helps: the matched text, the global's value, `inline`. */
  detail?: string;
}

/** A technology or app found in the page, with its evidence. */
export interface Detection {
  name: string;
  /** Category names from the data set, e.g. `Reviews`; `Shopify apps` for Shopify signals. */
  categories: string[];
  version: string | null;
  /** 0..100: the sum of the matched patterns' confidences, capped. */
  confidence: number;
  evidence: Evidence[];
}

const MAX_VALUE_CHARS = 300;

/** Cuts long evidence values (URLs with long query strings, script snippets). */
export function clip(text: string, max = MAX_VALUE_CHARS): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Case-insensitive order, ties broken by code units, so the result never depends on locale. */
export function compareText(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  if (x !== y) return x < y ? -1 : 1;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
