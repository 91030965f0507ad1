/**
 * A fast stand-in for `querySelectorAll` over thousands of fingerprint selectors: the page's
 * elements are indexed once by tag, id, class and attribute name, and each selector is
 * compiled into a test. The index runs the subset of dom-selector.ts itself (compounds and
 * the four combinators): the rightmost compound picks candidates through the index, and
 * parents and earlier siblings are walked for the rest. All 1,787 of the data set's DOM
 * selectors are in it (tech-data.ts cuts off one's trailing confidence tag). Any other
 * selector (pseudo-classes, hexadecimal escapes) is handed to linkedom's own
 * `querySelectorAll`, which costs 0.3 to 3 ms per selector on a storefront page; running
 * the whole data set that way took seconds per page.
 *
 * FIXME: a parsed copy of a page has no DOM properties, so in static mode the data set's two
 * rules that test them (React's `_reactRootContainer` on `body > div`, Preact's `__k` on a
 * list of eight selectors) are never judged, and React or Preact pages that show no other
 * trace go undetected; browser mode reads those properties inside the page instead.
 */

import { type Complex, type Compound, compoundsOf, parseSelectorList } from "./dom-selector.ts";
import type { ParsedDocument } from "./page-view.ts";

type DomElement = ReturnType<ParsedDocument["querySelectorAll"]>[number];

/** One element as the index keeps it. */
export interface IndexedElement {
  tag: string;
  attrs: Map<string, string>;
  classes: Set<string>;
  element: DomElement;
  /** The parent element, null for the root. */
  parent: IndexedElement | null;
  /** The previous sibling element, null for a first child. */
  previous: IndexedElement | null;
}

export interface DomIndex {
  /** Elements matching `selector`, at most `limit`; [] when it is invalid. */
  select(selector: string, limit: number): IndexedElement[];
}

type Test = (element: IndexedElement) => boolean;

/** A complex selector ready to run: its compounds, and a test of a candidate subject. */
interface Compiled {
  complex: Complex;
  compounds: Compound[];
  test: Test;
}

/** What a selector compiles to: the index's own plan, or the DOM library as a fallback. */
type Plan = { kind: "index"; list: Compiled[] } | { kind: "library" };

/**
 * Indexes every element of the document. Each attribute's values are also kept joined, so a
 * selector naming an id, class or value no element has is skipped without a scan.
 */
export function indexDocument(document: ParsedDocument): DomIndex {
  const { all, byTag, byAttr, byNode } = indexElements(document);
  const valuesOf = new Map<string, string>();
  for (const [name, elements] of byAttr) {
    const joined = elements.map((e) => e.attrs.get(name) ?? "").join("\n");
    valuesOf.set(name, joined.toLowerCase());
  }
  // A compound whose tag, attribute or value no element has matches nothing, nor does its
  // complex selector.
  const present = (c: Compound) =>
    (c.tag === null || byTag.has(c.tag)) &&
    c.attrs.every((a) => byAttr.has(a.name)) &&
    c.needles.every((n) => valuesOf.get(n.attr)?.includes(n.text) ?? false);
  const candidatesOf = (compound: Compound) =>
    compound.id
      ? (byAttr.get("id") ?? [])
      : compound.attrs[0]
        ? (byAttr.get(compound.attrs[0].name) ?? [])
        : compound.classes.length > 0
          ? (byAttr.get("class") ?? [])
          : compound.tag
            ? (byTag.get(compound.tag) ?? [])
            : all;
  return {
    select(selector, limit) {
      const plan = planOf(selector);
      if (plan.kind === "library") return selectWithLibrary(document, byNode, selector, limit);
      const matched = new Set<IndexedElement>();
      for (const { complex, compounds, test } of plan.list) {
        if (!compounds.every(present)) continue;
        for (const element of candidatesOf(complex.subject)) {
          if (matched.size >= limit) break;
          if (test(element)) matched.add(element);
        }
      }
      return [...matched];
    },
  };
}

function indexElements(document: ParsedDocument) {
  const all: IndexedElement[] = [];
  const byTag = new Map<string, IndexedElement[]>();
  const byAttr = new Map<string, IndexedElement[]>();
  const byNode = new Map<unknown, IndexedElement>();
  // Elements come in document order, so a parent's last child seen so far is the previous
  // sibling of the next child found.
  const lastChild = new Map<IndexedElement | null, IndexedElement>();
  const push = (map: Map<string, IndexedElement[]>, key: string, element: IndexedElement) => {
    const list = map.get(key);
    if (list) list.push(element);
    else map.set(key, [element]);
  };
  for (const element of document.querySelectorAll("*")) {
    const attrs = new Map<string, string>();
    for (const attr of element.attributes ?? []) attrs.set(attr.name.toLowerCase(), attr.value);
    const classes = new Set((attrs.get("class") ?? "").split(/\s+/).filter(Boolean));
    const parent = byNode.get(element.parentElement) ?? null;
    const previous = lastChild.get(parent) ?? null;
    const tag = element.localName.toLowerCase();
    const indexed: IndexedElement = { tag, attrs, classes, element, parent, previous };
    lastChild.set(parent, indexed);
    byNode.set(element, indexed);
    all.push(indexed);
    push(byTag, indexed.tag, indexed);
    for (const name of attrs.keys()) push(byAttr, name, indexed);
  }
  return { all, byTag, byAttr, byNode };
}

/** Runs a selector outside the index's subset through the DOM library; [] when invalid. */
function selectWithLibrary(
  document: ParsedDocument,
  byNode: Map<unknown, IndexedElement>,
  selector: string,
  limit: number,
): IndexedElement[] {
  let elements: DomElement[];
  try {
    elements = [...document.querySelectorAll(selector)];
  } catch {
    return [];
  }
  const found: IndexedElement[] = [];
  for (const element of elements) {
    const indexed = byNode.get(element);
    if (indexed) found.push(indexed);
    if (found.length >= limit) break;
  }
  return found;
}

/** Plans by selector, shared by every page: the data set's selectors are parsed once. */
const plans = new Map<string, Plan>();
const MAX_PLANS = 20_000;

function planOf(selector: string): Plan {
  let plan = plans.get(selector);
  if (plan === undefined) {
    const list = parseSelectorList(selector);
    plan = list ? { kind: "index", list: list.map(compileEntry) } : { kind: "library" };
    if (plans.size >= MAX_PLANS) plans.clear();
    plans.set(selector, plan);
  }
  return plan;
}

function compileEntry(complex: Complex): Compiled {
  return { complex, compounds: compoundsOf(complex), test: compileComplex(complex) };
}

/** A test of the subject that walks parents and siblings for the compounds on its left. */
function compileComplex(complex: Complex): Test {
  const subject = compile(complex.subject);
  const steps = complex.steps.map((s) => ({ combinator: s.combinator, test: compile(s.compound) }));
  const leftHolds = (element: IndexedElement, at: number): boolean => {
    const step = steps[at];
    if (!step) return true;
    const next = step.combinator === " " || step.combinator === ">" ? "parent" : "previous";
    const walk = step.combinator === " " || step.combinator === "~";
    for (let other = element[next]; other; other = other[next]) {
      if (step.test(other) && leftHolds(other, at + 1)) return true;
      if (!walk) return false;
    }
    return false;
  };
  if (steps.length === 0) return subject;
  return (element) => subject(element) && leftHolds(element, 0);
}

function compile(compound: Compound): Test {
  return (element) =>
    (compound.tag === null || element.tag === compound.tag) &&
    (compound.id === null || element.attrs.get("id") === compound.id) &&
    compound.classes.every((c) => element.classes.has(c)) &&
    compound.attrs.every((a) => a.test(element.attrs.get(a.name)));
}
