import { describe, expect, test } from "bun:test";
import { AppError } from "../errors.ts";
import { domainSlug, INVALID_DOMAIN_MESSAGE, normalizeDomain } from "./domain.ts";

describe("normalizeDomain", () => {
  test.each([
    ["allbirds.com", "allbirds.com"],
    ["https://allbirds.com", "allbirds.com"],
    ["HTTP://AllBirds.COM/collections/all?page=2#top", "allbirds.com"],
    ["  allbirds.com.  ", "allbirds.com"],
    ["allbirds.com:8443", "allbirds.com"],
    ["shop.allbirds.co.uk/", "shop.allbirds.co.uk"],
    ["bücher.de", "xn--bcher-kva.de"],
    ["https://ÉTÉ.example", "xn--t-9fab.example"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });

  test.each([
    "",
    "   ",
    "allbirds",
    "not a domain",
    "ftp://allbirds.com",
    "javascript:alert(1)",
    "user:pass@allbirds.com",
    "127.0.0.1",
    "[::1]",
    "-bad-.com",
    "a..com",
    `${"x".repeat(64)}.com`,
    "allbirds.c0m",
  ])("refuses %p with the reference's message", (input) => {
    let thrown: unknown;
    try {
      normalizeDomain(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe("invalid_domain");
    expect((thrown as AppError).message).toBe(INVALID_DOMAIN_MESSAGE);
  });
});

test("the slug replaces dots with hyphens", () => {
  expect(domainSlug("shop.allbirds.co.uk")).toBe("shop-allbirds-co-uk");
});
