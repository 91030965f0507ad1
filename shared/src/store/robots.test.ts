import { expect, test } from "bun:test";
import { parseRobots, robotsAllows } from "./robots.ts";

const SHOPIFY_LIKE = `# we use Shopify as our ecommerce platform
User-agent: *
Disallow: /admin
Disallow: /cart
Disallow: /collections/*sort_by*
Disallow: /*preview_theme_id*
Disallow: /pages/secret
Allow: /pages/secret-but-public$

User-agent: Googlebot
Disallow: /
`;

test("the * group applies to us: prefixes, wildcards, $ anchors, longest match", () => {
  const rules = parseRobots(SHOPIFY_LIKE);
  expect(robotsAllows(rules, "/pages/about")).toBe(true);
  expect(robotsAllows(rules, "/admin/settings")).toBe(false);
  expect(robotsAllows(rules, "/collections/all?sort_by=price")).toBe(false);
  expect(robotsAllows(rules, "/?preview_theme_id=12")).toBe(false);
  expect(robotsAllows(rules, "/pages/secret")).toBe(false);
  expect(robotsAllows(rules, "/pages/secret-but-public")).toBe(true);
  expect(robotsAllows(rules, "/pages/secret-but-public/x")).toBe(false);
});

test("a group naming our product token wins over *, shared groups and case included", () => {
  const text =
    "User-agent: *\nDisallow: /\n\nUser-agent: Other\nUser-agent: ShopSniffer\n" +
    "Disallow: /pages/private\n";
  const rules = parseRobots(text);
  expect(robotsAllows(rules, "/pages/about")).toBe(true);
  expect(robotsAllows(rules, "/pages/private")).toBe(false);
});

test("an empty Disallow allows everything; Allow wins a tie", () => {
  expect(robotsAllows(parseRobots("User-agent: *\nDisallow:\n"), "/x")).toBe(true);
  const tie = parseRobots("User-agent: *\nDisallow: /p\nAllow: /p\n");
  expect(robotsAllows(tie, "/p")).toBe(true);
});
