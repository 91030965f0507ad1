import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createStoreFetcher, type StoreFetcher } from "@shopsniffer/shared/store/fetch";
import { generateDemoStore } from "@shopsniffer/shared/storefront/demo-store";
import { modeInterceptor } from "@shopsniffer/shared/storefront/safety-modes";
import { type RunningStorefront, startStorefront } from "@shopsniffer/shared/storefront/server";
import { checkStoreIdentity, storeChecker } from "./store-check.ts";

const store = generateDemoStore({ productCount: 3, seed: 4 });
const HOSTS = [
  ...["primary.test", "custom.test", "ca.test", "locked.test", "typed.test", "moved.test"],
  ...["locked301.test", "plain.test", "headless.test"],
];
const BANNER = "# we use Shopify as our ecommerce platform\n\nUser-agent: *\nDisallow: /cart\n";
let storefront: RunningStorefront;
let check: (domain: string) => ReturnType<typeof checkStoreIdentity>;
let checker: ReturnType<typeof storeChecker>;

beforeAll(async () => {
  const intercept = modeInterceptor([
    { kind: "redirect", host: "custom.test", to: "https://primary.test", status: 301 },
    { kind: "redirect", host: "ca.test", to: "https://primary.test", status: 302 },
    { kind: "password", host: "locked.test", status: 302 },
    { kind: "password", host: "locked301.test", status: 301 },
    { kind: "not-shopify", host: "plain.test" },
    { kind: "robots", host: "headless.test", body: BANNER },
    { kind: "not-shopify", host: "headless.test" },
    { kind: "password-page", host: "typed.test" },
    { kind: "redirect", host: "moved.test", match: /^\/$/, to: "/collections/all", status: 302 },
  ]);
  storefront = await startStorefront({ store }, { intercept });
  const origins = new Map(HOSTS.map((host) => [host, storefront.origin]));
  const fetchStore = createStoreFetcher({ origins, timeoutMs: 5_000 });
  check = (domain) => checkStoreIdentity(fetchStore, domain);
  checker = storeChecker(fetchStore);
});
afterAll(() => storefront.stop());

describe("store identity at job creation", () => {
  test("a custom or country domain is followed to the primary domain", async () => {
    const identity = {
      primary_domain: "primary.test",
      myshopify_domain: store.shop.myshopify_domain,
    };
    expect(await check("custom.test")).toEqual(identity);
    expect(await check("ca.test")).toEqual(identity);
  });

  test("a redirect alone is not a password: a store sending / elsewhere is accepted", async () => {
    expect(await check("moved.test")).toMatchObject({ primary_domain: "moved.test" });
  });

  test("a chain ending on /password, or a password page type, is password-protected", async () => {
    await expect(check("locked.test")).rejects.toMatchObject({ code: "password_protected" });
    await expect(check("locked301.test")).rejects.toMatchObject({ code: "password_protected" });
    await expect(check("typed.test")).rejects.toMatchObject({ code: "password_protected" });
    await expect(checker("locked.test")).rejects.toMatchObject({ code: "password_protected" });
    expect(await checker("custom.test")).toBeUndefined();
  });

  test("a site that mentions Shopify and answers /products.json with HTML is refused", async () => {
    await expect(check("plain.test")).rejects.toMatchObject({ code: "not_shopify" });
  });

  test("a page without signals passes on the Shopify banner of its robots.txt", async () => {
    expect(await check("headless.test")).toEqual({
      primary_domain: "headless.test",
      myshopify_domain: null,
    });
  });
});

describe("passed checks are remembered for a while", () => {
  /** A checker over a fetcher that counts its requests. */
  function countingChecker(passedForMs: number) {
    const origins = new Map(HOSTS.map((host) => [host, storefront.origin]));
    const fetchStore = createStoreFetcher({ origins, timeoutMs: 5_000 });
    const counter = { requests: 0 };
    const counting: StoreFetcher = (url, init) => {
      counter.requests++;
      return fetchStore(url, init);
    };
    return { counter, checker: storeChecker(counting, undefined, passedForMs) };
  }

  test("a store that passed is not fetched again until the time is up", async () => {
    const { counter, checker } = countingChecker(200);
    await checker("primary.test");
    const first = counter.requests;
    expect(first).toBeGreaterThan(0);
    await checker("primary.test");
    expect(counter.requests).toBe(first);
    await Bun.sleep(250);
    await checker("primary.test");
    expect(counter.requests).toBeGreaterThan(first);
  });

  test("a refused store is checked afresh every time", async () => {
    const { counter, checker } = countingChecker(60_000);
    await expect(checker("locked.test")).rejects.toMatchObject({ code: "password_protected" });
    const first = counter.requests;
    await expect(checker("locked.test")).rejects.toMatchObject({ code: "password_protected" });
    expect(counter.requests).toBeGreaterThan(first);
  });
});
