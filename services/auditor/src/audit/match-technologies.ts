import type { IndexedElement } from "./dom-index.ts";
import { clip, type Evidence } from "./evidence.ts";
import type { PageView } from "./page-view.ts";
import type { DomRule, Technology, TechnologyData } from "./tech-data.ts";
import { type TechPattern, versionFrom } from "./tech-patterns.ts";

/** A raw match of one technology: summed confidence, the first version found, evidence. */
export interface TechMatch {
  tech: Technology;
  confidence: number;
  version: string | null;
  evidence: Evidence[];
}

/** The HTML patterns run on at most this much of the page (they are written for the head). */
const MAX_HTML_CHARS = 600_000;
/** Script texts longer than this are matched on their start only. */
const MAX_SCRIPT_CHARS = 400_000;
/** Technologies matched between two yields to the event loop. */
const YIELD_EVERY = 250;
/** Evidence items kept per technology. */
const MAX_EVIDENCE = 5;

/**
 * Runs every technology's patterns over the page view, then applies the data set's
 * `excludes`, `requires`, `requiresCategory` and `implies`. Pattern kinds a storefront audit
 * cannot see (DNS, TLS certificates, robots.txt, CSS) are not used.
 */
export async function matchTechnologies(
  data: TechnologyData,
  view: PageView,
): Promise<Map<string, TechMatch>> {
  const found = new Map<string, TechMatch>();
  const url = texts([view.url]);
  const scriptSrcs = texts(view.scriptSrcs);
  const html = texts([view.html.slice(0, MAX_HTML_CHARS)]);
  const scripts = texts(view.scriptTexts.map((s) => s.slice(0, MAX_SCRIPT_CHARS)));
  const xhr = texts(
    view.requests.filter((r) => r.type === "xhr" || r.type === "fetch").map((r) => r.url),
  );
  const headers = [...view.headers.entries()];
  let sinceYield = 0;
  for (const tech of data.technologies) {
    // Thousands of technologies take a while: let the event loop breathe in between.
    if (++sinceYield >= YIELD_EVERY) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const match: TechMatch = { tech, confidence: 0, version: null, evidence: [] };
    const hit = (pattern: TechPattern, m: RegExpExecArray, evidence: Evidence) => {
      match.confidence += pattern.confidence;
      match.version ??= versionFrom(pattern.version, m);
      const seen = match.evidence.some(
        (e) => e.kind === evidence.kind && e.value === evidence.value,
      );
      if (!seen && match.evidence.length < MAX_EVIDENCE) match.evidence.push(evidence);
    };
    firstHit(tech.url, url, (p, m, value) => hit(p, m, { kind: "url", value }));
    firstHit(tech.scriptSrc, scriptSrcs, (p, m, src) =>
      hit(p, m, { kind: "script_src", value: clip(src) }),
    );
    firstHit(tech.xhr, xhr, (p, m, value) =>
      hit(p, m, { kind: "request", value: clip(value), detail: "xhr" }),
    );
    firstHit(tech.scripts, scripts, (p, m) =>
      hit(p, m, { kind: "script", value: clip(m[0], 120), detail: "script text" }),
    );
    firstHit(tech.html, html, (p, m) => hit(p, m, { kind: "html", value: clip(m[0], 120) }));
    for (const { name, pattern } of tech.meta) {
      const meta = view.meta.find((entry) => entry.name === name);
      const m = meta ? pattern.regex.exec(meta.content) : null;
      if (meta && m) hit(pattern, m, { kind: "meta", value: name, detail: clip(meta.content) });
    }
    for (const { name, pattern } of tech.headers) {
      const header = headers.find(([key]) => key === name);
      const m = header ? pattern.regex.exec(header[1]) : null;
      if (header && m) hit(pattern, m, { kind: "header", value: name, detail: clip(header[1]) });
    }
    for (const { name, pattern } of tech.cookies) {
      const cookie = view.cookies.find((c) => cookieNameMatches(name, c.name));
      const m = cookie ? pattern.regex.exec(cookie.value) : null;
      if (cookie && m) hit(pattern, m, { kind: "cookie", value: cookie.name });
    }
    matchGlobals(tech, view, hit);
    matchDom(tech, view, hit);
    if (match.confidence > 0) found.set(tech.name, match);
  }
  return settle(data, found);
}

type Hit = (pattern: TechPattern, match: RegExpExecArray, evidence: Evidence) => void;

/** A text to match, with its lower-cased copy for the patterns' literal pre-check. */
interface Text {
  raw: string;
  lower: string;
}

function texts(values: string[]): Text[] {
  return values.map((raw) => ({ raw, lower: raw.toLowerCase() }));
}

/** Calls `onHit` for the first value each pattern matches. */
function firstHit(
  patterns: TechPattern[],
  values: Text[],
  onHit: (pattern: TechPattern, match: RegExpExecArray, value: string) => void,
) {
  for (const pattern of patterns) {
    for (const value of values) {
      if (pattern.literal && !value.lower.includes(pattern.literal)) continue;
      const m = pattern.regex.exec(value.raw);
      if (m) {
        onHit(pattern, m, value.raw);
        break;
      }
    }
  }
}

/**
 * Globals: from the browser every pattern is tested on the value read. Statically only
 * presence patterns count (the value of an assignment is not known without running it).
 */
function matchGlobals(tech: Technology, view: PageView, hit: Hit) {
  for (const { path, pattern } of tech.js) {
    const value = view.globals.get(path);
    if (value === undefined) continue;
    if (view.globalsSource === "inline" && pattern.regex.source !== "(?:)") continue;
    const m = pattern.regex.exec(value);
    if (!m) continue;
    const detail = view.globalsSource === "inline" ? "assigned by an inline script" : value;
    hit(pattern, m, { kind: "js", value: path, ...(detail ? { detail: clip(detail, 80) } : {}) });
  }
}

function matchDom(tech: Technology, view: PageView, hit: Hit) {
  for (const rule of tech.dom) {
    matchDomProperties(rule, view, hit);
    // A rule made only of property tests is not judged on markup.
    if (rule.properties.length > 0 && rule.attributes.length === 0 && !rule.text) continue;
    const elements = view.dom.select(rule.selector, MAX_DOM_ELEMENTS);
    if (elements.length === 0) continue;
    const evidence: Evidence = { kind: "dom", value: clip(rule.selector, 120) };
    if (rule.attributes.length === 0 && !rule.text) {
      hit({ ...NO_PATTERN, confidence: rule.confidence }, EMPTY_MATCH, evidence);
      continue;
    }
    // Each pattern counts once, for the first selected element it matches.
    for (const { name, pattern } of rule.attributes) {
      for (const element of elements) {
        const value = element.attrs.get(name);
        const m = value === undefined ? null : pattern.regex.exec(value);
        if (!m) continue;
        hit(pattern, m, { ...evidence, detail: clip(`${name}=${value}`, 120) });
        break;
      }
    }
    const m = rule.text && firstTextMatch(rule.text, elements);
    if (rule.text && m) hit(rule.text, m, evidence);
  }
}

/** Property tests, on the values the browser read in the page (static mode has none). */
function matchDomProperties(rule: DomRule, view: PageView, hit: Hit) {
  const values = view.domProperties.get(rule.selector);
  for (const { name, pattern } of values ? rule.properties : []) {
    const value = values?.get(name);
    const m = value === undefined ? null : pattern.regex.exec(value);
    const detail = clip(value ? `property ${name}=${value}` : `property ${name}`, 120);
    if (m) hit(pattern, m, { kind: "dom", value: clip(rule.selector, 120), detail });
  }
}

/** Runs a text pattern on each selected element's text until one matches. */
function firstTextMatch(pattern: TechPattern, elements: IndexedElement[]): RegExpExecArray | null {
  for (const element of elements) {
    const m = pattern.regex.exec(element.element.textContent ?? "");
    if (m) return m;
  }
  return null;
}

const NO_PATTERN: TechPattern = { regex: /(?:)/, literal: null, confidence: 100, version: null };
const EMPTY_MATCH = /(?:)/.exec("") as RegExpExecArray;
const MAX_DOM_ELEMENTS = 20;

/** Cookie names in the data set may end in `*` (`_ga_*`). */
function cookieNameMatches(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/** Drops excluded and unmet requirements, adds implied technologies (transitively). */
function settle(data: TechnologyData, found: Map<string, TechMatch>): Map<string, TechMatch> {
  for (const match of [...found.values()]) {
    for (const name of match.tech.excludes) found.delete(name);
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const match of [...found.values()]) {
      if (!requirementsMet(match.tech, found)) {
        found.delete(match.tech.name);
        changed = true;
      }
    }
  }
  const queue = [...found.values()];
  while (queue.length > 0) {
    const match = queue.shift() as TechMatch;
    for (const implied of match.tech.implies) {
      const tech = data.byName.get(implied.name);
      if (!tech || found.has(tech.name)) continue;
      const added: TechMatch = {
        tech,
        confidence: Math.min(implied.confidence, match.confidence),
        version: null,
        evidence: [{ kind: "implied", value: match.tech.name }],
      };
      found.set(tech.name, added);
      queue.push(added);
    }
  }
  for (const match of found.values()) match.confidence = Math.min(100, match.confidence);
  return found;
}

function requirementsMet(tech: Technology, found: Map<string, TechMatch>): boolean {
  if (!tech.requires.every((name) => found.has(name))) return false;
  if (tech.requiresCategory.length === 0) return true;
  return [...found.values()].some(
    (m) => m.tech !== tech && m.tech.categories.some((c) => tech.requiresCategory.includes(c)),
  );
}
