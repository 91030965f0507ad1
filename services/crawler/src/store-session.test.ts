import { describe, expect, test } from "bun:test";
import { isBlockAnswer, isChallengePage } from "./store-session.ts";

describe("block recognition", () => {
  test("430 and a 403 marked as a Cloudflare challenge are blocks; a plain 403 is not", () => {
    expect(isBlockAnswer(new Response(null, { status: 430 }))).toBe(true);
    const challenge = { status: 403, headers: { "cf-mitigated": "challenge" } };
    expect(isBlockAnswer(new Response(null, challenge))).toBe(true);
    expect(isBlockAnswer(new Response(null, { status: 403 }))).toBe(false);
    expect(isBlockAnswer(new Response(null, { status: 429 }))).toBe(false);
  });

  test("a challenge page is told from a theme page carrying Cloudflare's injected script", () => {
    const challenge =
      "<html><head><title>Just a moment...</title></head><body>" +
      "<script>window._cf_chl_opt={cType:'managed'}</script></body></html>";
    const themePage =
      "<html><head><title>Login</title></head><body><form></form>" +
      '<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script></body></html>';
    expect(isChallengePage(challenge)).toBe(true);
    expect(isChallengePage(themePage)).toBe(false);
  });
});
