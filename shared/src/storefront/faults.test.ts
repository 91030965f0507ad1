import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateDemoStore } from "./demo-store.ts";
import { faultInterceptor } from "./faults.ts";
import { type RunningStorefront, startStorefront } from "./server.ts";

let storefront: RunningStorefront;

beforeAll(async () => {
  storefront = await startStorefront(
    { store: generateDemoStore({ productCount: 5, seed: 1 }) },
    {
      faults: [
        { kind: "throttle", match: /^\/products\.json/, times: 2, retryAfter: "1.5" },
        { kind: "security-rejection", match: /^\/collections\.json/ },
        { kind: "challenge", match: /^\/meta\.json/ },
        { kind: "challenge-page", match: /^\/products\/[^/]+\.json/ },
      ],
    },
  );
});
afterAll(() => storefront.stop());

const get = (path: string) => fetch(`${storefront.origin}${path}`);

describe("storefront fault modes", () => {
  test("throttle answers 429 with its Retry-After for its first uses, then the store answers", async () => {
    for (let i = 0; i < 2; i++) {
      const throttled = await get("/products.json?page=1");
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get("retry-after")).toBe("1.5");
    }
    const served = await get("/products.json?page=1");
    expect(served.status).toBe(200);
    expect(((await served.json()) as { products: unknown[] }).products).toHaveLength(5);
  });

  test("security rejection is a 430; a challenge is a 403 marked cf-mitigated", async () => {
    expect((await get("/collections.json")).status).toBe(430);
    const challenge = await get("/meta.json");
    expect(challenge.status).toBe(403);
    expect(challenge.headers.get("cf-mitigated")).toBe("challenge");
  });

  test("a challenge page is a 200 HTML page even under .json", async () => {
    const page = await get("/products/anything.json");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("Just a moment...");
  });

  test("a timed block answers every host from its first use until it lapses", async () => {
    const fault = faultInterceptor([{ kind: "security-rejection", forMs: 300 }]);
    const ask = (host: string) => fault(new Request(`https://${host}/products.json`));
    expect(ask("one.test")?.status).toBe(430);
    expect(ask("two.test")?.status).toBe(430);
    await Bun.sleep(350);
    expect(ask("one.test")).toBeUndefined();
    expect(ask("two.test")).toBeUndefined();
  });
});
