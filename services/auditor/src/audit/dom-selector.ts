/**
 * The CSS selector subset the DOM index runs itself: comma lists of complex selectors made of
 * compounds (a tag or `*`, `#id`, `.class`, `[attr]`, `[attr=v]`, `[attr*=v]`, `[attr^=v]`,
 * `[attr$=v]`, `[attr~=v]`, `[attr|=v]`, with `i`) joined by the descendant (` `), child
 * (`>`), adjacent (`+`) and general sibling (`~`) combinators. Backslash escapes (`xmlns\:w`)
 * are read as the character they escape; hexadecimal escapes and pseudo-classes are not
 * parsed here.
 */

/** One compound: every part must hold for the same element. */
export interface Compound {
  tag: string | null;
  id: string | null;
  classes: string[];
  attrs: Array<{ name: string; test: (value: string | undefined) => boolean }>;
  /** Lower-cased texts some value of an attribute must contain for the compound to match. */
  needles: Array<{ attr: string; text: string }>;
}

export type Combinator = " " | ">" | "+" | "~";

/**
 * A complex selector, read right to left: `subject` is the rightmost compound (the element
 * selected); `steps[0]` relates it to the compound on its left, `steps[1]` that one to the
 * next, and so on.
 */
export interface Complex {
  subject: Compound;
  steps: Array<{ combinator: Combinator; compound: Compound }>;
}

/** Parses a comma list of complex selectors; null when any part is outside the subset. */
export function parseSelectorList(selector: string): Complex[] | null {
  const list: Complex[] = [];
  for (const part of splitList(selector)) {
    const complex = parseComplex(part.trim());
    if (!complex) return null;
    list.push(complex);
  }
  return list.length > 0 ? list : null;
}

/** Every compound of a complex selector, subject first. */
export function compoundsOf(complex: Complex): Compound[] {
  return [complex.subject, ...complex.steps.map((s) => s.compound)];
}

const COMBINATOR = /^\s*([>+~])\s*|^\s+/;

function parseComplex(text: string): Complex | null {
  const compounds: Compound[] = [];
  const combinators: Combinator[] = [];
  let rest = text;
  for (;;) {
    const parsed = parseCompound(rest);
    if (!parsed) return null;
    compounds.push(parsed.compound);
    rest = parsed.rest;
    if (rest.length === 0) break;
    const m = COMBINATOR.exec(rest);
    if (!m) return null;
    combinators.push((m[1] ?? " ") as Combinator);
    rest = rest.slice(m[0].length);
  }
  const subject = compounds.pop() as Compound;
  const steps = compounds.reverse().map((compound, i) => ({
    combinator: combinators[combinators.length - 1 - i] as Combinator,
    compound,
  }));
  return { subject, steps };
}

const ESCAPED = /\\(.)/g;
const NAME = /^-?(?:[A-Za-z_]|\\.)(?:[\w-]|\\.)*/;
const QUOTED = `"((?:[^"\\\\]|\\\\.)*)"|'((?:[^'\\\\]|\\\\.)*)'`;
const ATTRIBUTE_NAME = `((?:[A-Za-z_:]|\\\\.)(?:[\\w:.-]|\\\\.)*)`;
const ATTRIBUTE_VALUE = `(?:${QUOTED}|([^\\s\\]"']+))`;
const ATTRIBUTE = new RegExp(
  `^\\[\\s*${ATTRIBUTE_NAME}\\s*(?:([*^$~|]?=)\\s*${ATTRIBUTE_VALUE}\\s*(i)?\\s*)?\\]`,
);

/** Reads one compound off the front of `text`; null when it is empty or unsupported. */
function parseCompound(text: string): { compound: Compound; rest: string } | null {
  const compound: Compound = { tag: null, id: null, classes: [], attrs: [], needles: [] };
  let rest = text;
  const tag = /^(?:\*|[A-Za-z][\w-]*)/.exec(rest);
  if (tag) {
    if (tag[0] !== "*") compound.tag = tag[0].toLowerCase();
    rest = rest.slice(tag[0].length);
  }
  while (rest.length > 0 && !/^[\s>+~]/.test(rest)) {
    const head = rest[0];
    const name = NAME.exec(rest.slice(1));
    if (head === "#" && name) {
      compound.id = unescapeCss(name[0]);
      addNeedle(compound, "id", compound.id);
      rest = rest.slice(1 + name[0].length);
    } else if (head === "." && name) {
      const cls = unescapeCss(name[0]);
      compound.classes.push(cls);
      addNeedle(compound, "class", cls);
      rest = rest.slice(1 + name[0].length);
    } else if (head === "[") {
      const m = ATTRIBUTE.exec(rest);
      if (!m) return null;
      const attr = unescapeCss(m[1] ?? "").toLowerCase();
      const raw = m[3] ?? m[4] ?? m[5];
      const value = raw === undefined ? undefined : unescapeCss(raw);
      if (value) addNeedle(compound, attr, value);
      compound.attrs.push({ name: attr, test: attributeTest(m[2], value, m[6] === "i") });
      rest = rest.slice(m[0].length);
    } else {
      return null;
    }
  }
  return tag || rest.length < text.length ? { compound, rest } : null;
}

function unescapeCss(text: string): string {
  return text.replace(ESCAPED, "$1");
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
      // A word list never holds an empty word or one with spaces in it.
      if (want === "" || /\s/.test(want)) return () => false;
      return (v) => v !== undefined && norm(v).split(/\s+/).includes(want);
    default:
      return (v) => v !== undefined && (norm(v) === want || norm(v).startsWith(`${want}-`));
  }
}

/** Splits on commas outside brackets, parentheses and quotes. */
function splitList(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === "\\") i++;
    else if (c === '"' || c === "'") quote = c;
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
