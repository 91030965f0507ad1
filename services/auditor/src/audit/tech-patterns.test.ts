import { describe, expect, test } from "bun:test";
import { parsePattern, requiredLiteral, versionFrom } from "./tech-patterns.ts";

describe("fingerprint patterns", () => {
  test("reads the version and confidence tags", () => {
    const pattern = parsePattern("jquery-(\\d+\\.\\d+\\.\\d+)\\.js\\;version:\\1\\;confidence:50");
    expect(pattern?.confidence).toBe(50);
    const match = pattern?.regex.exec("https://x/jquery-3.6.4.js") as RegExpExecArray;
    expect(versionFrom(pattern?.version ?? null, match)).toBe("3.6.4");
  });

  test("a ternary version picks by whether the group matched", () => {
    const pattern = parsePattern("gtag\\('(UA-)?\\;version:\\1?UA:GA4");
    const ua = pattern?.regex.exec("gtag('UA-1") as RegExpExecArray;
    const ga4 = pattern?.regex.exec("gtag('G-1") as RegExpExecArray;
    expect(versionFrom(pattern?.version ?? null, ua)).toBe("UA");
    expect(versionFrom(pattern?.version ?? null, ga4)).toBe("GA4");
  });

  test("the literal pre-check keeps only text every match must contain", () => {
    expect(requiredLiteral("cdn\\.judge\\.me")).toBe("cdn.judge.me");
    expect(requiredLiteral("static\\.klaviyo\\.com/(?:x|y)")).toBe("static.klaviyo.com/");
    expect(requiredLiteral("a|bcdef")).toBeNull();
    expect(requiredLiteral("jquery(?:-(\\d+))?\\.js")).toBe("jquery");
    // An optional character ends the run before it.
    expect(requiredLiteral("shopifys?cdn")).toBe("shopify");
    expect(parsePattern("([")).toBeNull();
  });
});
