/**
 * A fast stand-in for `querySelectorAll` over thousands of fingerprint selectors: the page's
 * elements are indexed once by tag, id, class and attribute name, and each selector is
 * compiled into a test. Only compound selectors are supported (a tag, `#id`, `.class` and
 * `[attr]`, `[attr=v]`, `[attr*=v]`, `[attr^=v]`, `[attr$=v]`, `[attr~=v]`, `[attr|=v]`, in
 * comma lists); a selector with combinators or pseudo-classes matches nothing here. Running
 * the data set's selectors through a DOM library instead took seconds per page.
 *
 * FIXME: about 90 of the data set's 1,800 selectors use combinators or pseudo-classes and are
 * never tested, and rules on DOM properties are skipped; in browser mode both could be run
 * natively inside the page instead.
 */

import type { ParsedDocument } from "./page-view.ts";

type DomElement = ReturnType<ParsedDocument["querySelectorAll"]>[number];

/** One element as the index keeps it. */
export interface IndexedElement {
  tag: string;
  attrs: Map<string, string>;
  classes: Set<string>;
  element: DomElement;
}

export interface DomIndex {
  /** Elements matching `selector`, in document order, at most `limit`; [] when unsupported. */
  select(selector: string, limit: number): IndexedElement[];
}

type Test = (element: IndexedElement) => boolean;
interface Compound {
  tag: string | null;
  id: string | null;
  classes: string[];
  attrs: Array<{ name: string; test: (value: string | undefined) => boolean }>;
  /** Lower-cased texts some value of an attribute must contain for the compound to match. */
  needles: Array<{ attr: string; text: string }>;
}

/**
 * Indexes every element of the document. Each attribute's values are also kept joined, so a
 * selector naming an id, class or value no element has is skipped without a scan.
 */
export function indexDocument(document: ParsedDocument): DomIndex {
  const all: IndexedElement[] = [];
  const byTag = new Map<string, IndexedElement[]>();
  const byAttr = new Map<string, IndexedElement[]>();
  const push = (map: Map<string, IndexedElement[]>, key: string, element: IndexedElement) => {
    const list = map.get(key);
    if (list) list.push(element);
    else map.set(key, [element]);
  };
  for (const element of document.querySelectorAll("*")) {
    const attrs = new Map<string, string>();
    for (const attr of element.attributes ?? []) attrs.set(attr.name.toLowerCase(), attr.value);
    const classes = new Set((attrs.get("class") ?? "").split(/\s+/).filter(Boolean));
    const indexed = { tag: element.localName.toLowerCase(), attrs, classes, element };
    all.push(indexed);
    push(byTag, indexed.tag, indexed);
    for (const name of attrs.keys()) push(byAttr, name, indexed);
  }
  const valuesOf = new Map<string, string>();
  for (const [name, elements] of byAttr) {
    valuesOf.set(
      name,
      elements
        .map((e) => e.attrs.get(name) ?? "")
        .join("\n")
        .toLowerCase(),
    );
  }
  const cache = new Map<string, Compound[] | null>();
  return {
    select(selector, limit) {
      let compounds = cache.get(selector);
      if (compounds === undefined) {
        compounds = parseSelectorList(selector);
        cache.set(selector, compounds);
      }
      if (!compounds) return [];
      const matched = new Set<IndexedElement>();
      for (const compound of compounds) {
        const mentioned = (n: { attr: string; text: string }) =>
          valuesOf.get(n.attr)?.includes(n.text) ?? false;
        if (!compound.needles.every(mentioned)) continue;
        const candidates = compound.id
          ? (byAttr.get("id") ?? [])
          : compound.attrs[0]
            ? (byAttr.get(compound.attrs[0].name) ?? [])
            : compound.classes.length > 0
              ? (byAttr.get("class") ?? [])
              : compound.tag
                ? (byTag.get(compound.tag) ?? [])
                : all;
        const test = compile(compound);
        for (const element of candidates) {
          if (test(element)) matched.add(element);
          if (matched.size >= limit) break;
        }
      }
      return [...matched];
    },
  };
}

function compile(compound: Compound): Test {
  return (element) =>
    (compound.tag === null || element.tag === compound.tag) &&
    (compound.id === null || element.attrs.get("id") === compound.id) &&
    compound.classes.every((c) => element.classes.has(c)) &&
    compound.attrs.every((a) => a.test(element.attrs.get(a.name)));
}

const NAME = /^-?[A-Za-z_][\w-]*/;
const ATTRIBUTE =
  /^\[\s*([A-Za-z_:][\w:.-]*)\s*(?:([*^$~|]?=)\s*(?:"([^"]*)"|'([^']*)'|([^\s\]]+))\s*(i)?\s*)?\]/;

/** Parses a comma list of compound selectors; null when any part is unsupported. */
export function parseSelectorList(selector: string): Compound[] | null {
  const compounds: Compound[] = [];
  for (const part of splitList(selector)) {
    const compound = parseCompound(part.trim());
    if (!compound) return null;
    compounds.push(compound);
  }
  return compounds.length > 0 ? compounds : null;
}

function parseCompound(text: string): Compound | null {
  const compound: Compound = { tag: null, id: null, classes: [], attrs: [], needles: [] };
  let rest = text;
  const tag = /^(?:\*|[A-Za-z][\w-]*)/.exec(rest);
  if (tag) {
    if (tag[0] !== "*") compound.tag = tag[0].toLowerCase();
    rest = rest.slice(tag[0].length);
  }
  while (rest.length > 0) {
    const head = rest[0];
    const name = NAME.exec(rest.slice(1));
    if (head === "#" && name) {
      compound.id = name[0];
      addNeedle(compound, "id", name[0]);
      rest = rest.slice(1 + name[0].length);
    } else if (head === "." && name) {
      compound.classes.push(name[0]);
      addNeedle(compound, "class", name[0]);
      rest = rest.slice(1 + name[0].length);
    } else if (head === "[") {
      const m = ATTRIBUTE.exec(rest);
      if (!m) return null;
      const value = m[3] ?? m[4] ?? m[5];
      if (value) addNeedle(compound, (m[1] ?? "").toLowerCase(), value);
      compound.attrs.push({
        name: (m[1] ?? "").toLowerCase(),
        test: attributeTest(m[2], value, m[6] === "i"),
      });
      rest = rest.slice(m[0].length);
    } else {
      return null;
    }
  }
  const parts = compound.classes.length + compound.attrs.length;
  return compound.tag !== null || compound.id !== null || parts > 0 ? compound : null;
}

function addNeedle(compound: Compound, attr: string, text: string) {
  compound.needles.push({ attr, text: text.toLowerCase() });
}

function attributeTest(
  operator: string | undefined,
  expected: string | undefined,
  ignoreCase: boolean,
): (value: string | undefined) => boolean {
  if (!operator || expected === undefined) return (value) => value !== undefined;
  const want = ignoreCase ? expected.toLowerCase() : expected;
  const norm = (value: string) => (ignoreCase ? value.toLowerCase() : value);
  switch (operator) {
    case "=":
      return (v) => v !== undefined && norm(v) === want;
    case "*=":
      return (v) => v !== undefined && want !== "" && norm(v).includes(want);
    case "^=":
      return (v) => v !== undefined && want !== "" && norm(v).startsWith(want);
    case "$=":
      return (v) => v !== undefined && want !== "" && norm(v).endsWith(want);
    case "~=":
      return (v) => v !== undefined && norm(v).split(/\s+/).includes(want);
    default:
      return (v) => v !== undefined && (norm(v) === want || norm(v).startsWith(`${want}-`));
  }
}

/** Splits on commas outside brackets and quotes. */
function splitList(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "(") depth++;
    else if (c === "]" || c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(selector.slice(start));
  return parts;
}
