/**
 * robots.txt as RFC 9309 reads it: the group for our product token (else `*`), its `Allow` and
 * `Disallow` rules with `*` and `$`, the longest match wins and `Allow` wins a tie.
 */

interface Rule {
  allow: boolean;
  pattern: string;
  regex: RegExp;
}

/** The rules that apply to one user agent; an empty list allows everything. */
export interface RobotsRules {
  rules: Rule[];
}

/** The product token we look for in `User-agent` lines. */
export const ROBOTS_AGENT = "shopsniffer";

/** Everything allowed: no robots.txt (4xx) or an empty one. */
export const ALLOW_ALL: RobotsRules = { rules: [] };
/** Nothing allowed: what RFC 9309 asks when robots.txt cannot be read (5xx, unreachable). */
export const DISALLOW_ALL: RobotsRules = { rules: [toRule(false, "/")] };

/** The rules of `text` for `agent` (lowercase product token), falling back to the `*` group. */
export function parseRobots(text: string, agent: string = ROBOTS_AGENT): RobotsRules {
  const groups = new Map<string, Rule[]>();
  let agents: string[] = [];
  let inRules = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, "").trim();
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "user-agent") {
      if (inRules) agents = [];
      inRules = false;
      agents.push(value.toLowerCase());
      continue;
    }
    if (key !== "allow" && key !== "disallow") continue;
    inRules = true;
    if (value === "") continue;
    for (const name of agents) {
      const list = groups.get(name) ?? [];
      list.push(toRule(key === "allow", value));
      groups.set(name, list);
    }
  }
  return { rules: groups.get(agent) ?? groups.get("*") ?? [] };
}

/** True when `pathAndQuery` (e.g. `/pages/about?x=1`) may be fetched. */
export function robotsAllows(robots: RobotsRules, pathAndQuery: string): boolean {
  let best: Rule | null = null;
  for (const rule of robots.rules) {
    if (!rule.regex.test(pathAndQuery)) continue;
    const longer = !best || rule.pattern.length > best.pattern.length;
    const tieAllow = best && rule.pattern.length === best.pattern.length && rule.allow;
    if (longer || tieAllow) best = rule;
  }
  return best ? best.allow : true;
}

function toRule(allow: boolean, pattern: string): Rule {
  const anchored = pattern.endsWith("$");
  const body = anchored ? pattern.slice(0, -1) : pattern;
  const source = body
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return { allow, pattern, regex: new RegExp(`^${source}${anchored ? "$" : ""}`) };
}
