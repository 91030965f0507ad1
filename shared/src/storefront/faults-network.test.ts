import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateDemoStore } from "./demo-store.ts";
import { type RunningStorefront, startStorefront } from "./server.ts";

let storefront: RunningStorefront;

beforeAll(async () => {
  storefront = await startStorefront(
    { store: generateDemoStore({ productCount: 3, seed: 1 }) },
    {
      faults: [
        { kind: "stall", match: /^\/meta\.json/, times: 1 },
        { kind: "reset", match: /^\/collections\.json/, times: 1 },
        { kind: "truncated-json", match: /^\/products\.json/, times: 1 },
      ],
    },
  );
});
afterAll(() => storefront.stop());

// A fresh connection each time: Bun's fetch retries a GET once when a reused connection drops.
const get = (path: string, timeoutMs = 5_000) =>
  fetch(`${storefront.origin}${path}`, {
    signal: AbortSignal.timeout(timeoutMs),
    keepalive: false,
  });

describe("storefront network faults", () => {
  test("stall never answers, so the client's time-out ends the request; then it recovers", async () => {
    const error = await get("/meta.json", 300).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe("TimeoutError");
    expect((await get("/meta.json")).status).toBe(200);
  });

  test("reset drops the connection without an answer", async () => {
    const error = await get("/collections.json").then(
      (res) => res.text(),
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((await get("/collections.json")).status).toBe(200);
  });

  test("truncated-json is a 200 JSON answer that does not parse", async () => {
    const cut = await get("/products.json");
    expect(cut.status).toBe(200);
    expect(cut.headers.get("content-type")).toContain("json");
    await expect(cut.json()).rejects.toThrow();
    expect((await get("/products.json")).status).toBe(200);
  });
});
