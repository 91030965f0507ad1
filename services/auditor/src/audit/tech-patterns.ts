/**
 * The pattern strings of the Wappalyzer fingerprint format: a regular expression followed by
 * optional tags, e.g. `jquery-([\d.]+)\.js\;version:\1\;confidence:50`.
 */

/** One compiled pattern; `version` is the tag's template (`\1`, `\1?a:b`), if any. */
export interface TechPattern {
  regex: RegExp;
  /**
   * Lower-cased text every match must contain, when one can be read off the pattern: a text
   * without it is skipped without running the expression (most of the matching time).
   */
  literal: string | null;
  /** 0..100; how sure a match makes the detection (100 unless tagged). */
  confidence: number;
  version: string | null;
}

/** Patterns longer than this are dropped: the long ones are the ones that backtrack badly. */
const MAX_PATTERN_CHARS = 1_000;

/**
 * Compiles a pattern string (case-insensitive, as the format wants). Returns null for a
 * pattern JavaScript cannot compile; the data set has a few written for other engines.
 */
export function parsePattern(raw: string): TechPattern | null {
  const [source = "", ...tags] = raw.split("\\;");
  let confidence = 100;
  let version: string | null = null;
  for (const tag of tags) {
    const at = tag.indexOf(":");
    const key = at < 0 ? tag : tag.slice(0, at);
    const value = at < 0 ? "" : tag.slice(at + 1);
    if (key === "confidence") confidence = clampConfidence(Number(value));
    if (key === "version") version = value;
  }
  if (source.length > MAX_PATTERN_CHARS) return null;
  try {
    // Escaped slashes are harmless in a RegExp source; the format escapes them for JSON users.
    const cleaned = source.replace(/\\\//g, "/");
    return {
      regex: new RegExp(cleaned, "i"),
      literal: requiredLiteral(cleaned),
      confidence,
      version,
    };
  } catch {
    return null;
  }
}

/** Characters that stand for themselves when escaped with a backslash. */
const ESCAPED_LITERAL = /[./\-_:?*+()[\]{}|^$@#%&=!,;'"<> ]/;

/**
 * The longest run of plain characters outside any group, class or alternation that no
 * quantifier makes optional, lower-cased; null when the pattern has alternation at the top
 * or no run of at least three characters.
 */
export function requiredLiteral(source: string): string | null {
  let best = "";
  let run = "";
  let depth = 0;
  const close = () => {
    if (run.length > best.length) best = run;
    run = "";
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (c === "\\") {
      const escaped = next ?? "";
      i++;
      if (depth === 0 && ESCAPED_LITERAL.test(escaped) && !isQuantifier(source[i + 1])) {
        run += escaped;
      } else close();
      continue;
    }
    if (c === "(") {
      depth++;
      close();
    } else if (c === ")") {
      depth--;
      close();
    } else if (c === "|") {
      if (depth === 0) return null;
      close();
    } else if (c === "[") {
      close();
      i = skipClass(source, i);
    } else if (depth === 0 && /[A-Za-z0-9_/\-=:;,'"<> @#%&!]/.test(c) && !isQuantifier(next)) {
      run += c;
    } else {
      close();
    }
  }
  close();
  return best.length >= 3 ? best.toLowerCase() : null;
}

function isQuantifier(c: string | undefined): boolean {
  return c === "?" || c === "*" || c === "{";
}

/** The index of the `]` closing the class that opens at `start`. */
function skipClass(source: string, start: number): number {
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === "]") return i;
  }
  return source.length;
}

/** Parses a list of pattern strings, dropping the ones that do not compile. */
export function parsePatterns(raw: unknown): TechPattern[] {
  const list = Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : [];
  return list
    .filter((p): p is string => typeof p === "string")
    .map(parsePattern)
    .filter((p): p is TechPattern => p !== null);
}

/**
 * Fills a version template from a match: `\1` is a capture group, and `\1?yes:no` gives
 * `yes` when group 1 matched something, else `no` (both may hold group references).
 */
export function versionFrom(template: string | null, match: RegExpExecArray): string | null {
  if (!template) return null;
  const group = (n: string) => match[Number(n)] ?? "";
  const ternary = /^\\(\d+)\?([^:]*):(.*)$/.exec(template);
  const chosen = ternary
    ? group(ternary[1] ?? "0")
      ? (ternary[2] ?? "")
      : (ternary[3] ?? "")
    : template;
  const filled = chosen.replace(/\\(\d+)/g, (_, n: string) => group(n)).trim();
  return filled && filled.length <= 40 ? filled : null;
}

function clampConfidence(value: number): number {
  return Number.isFinite(value) ? Math.min(100, Math.max(0, Math.round(value))) : 100;
}
