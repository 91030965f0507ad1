import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateDemoStore } from "../storefront/demo-store.ts";
import { modeInterceptor, requestLog } from "../storefront/safety-modes.ts";
import { type RunningStorefront, startStorefront } from "../storefront/server.ts";
import { createStoreFetcher } from "./fetch.ts";
import { readCapped } from "./read-capped.ts";

const HOST = "limits.shopsniffer.test";
const MiB = 1024 * 1024;
const log = requestLog(
  modeInterceptor([
    { kind: "gzip-bomb", match: /^\/bomb\.json/, inflatedBytes: 32 * MiB },
    { kind: "slow-headers", match: /^\/slow-headers/, delayMs: 2_000 },
    { kind: "slow-body", match: /^\/slow-body/, chunkDelayMs: 100, chunks: 30 },
  ]),
);
let storefront: RunningStorefront;

beforeAll(async () => {
  storefront = await startStorefront(
    { store: generateDemoStore({ productCount: 3, seed: 2 }) },
    { intercept: log.intercept },
  );
});
afterAll(() => storefront.stop());

const fetcher = (limits: { maxBytes?: number; firstByteTimeoutMs?: number; timeoutMs?: number }) =>
  createStoreFetcher({
    origins: new Map([[HOST, storefront.origin]]),
    timeoutMs: limits.timeoutMs ?? 10_000,
    ...limits,
  });

describe("size limits count decoded bytes", () => {
  test("a gzip bomb is cut at the limit after decompression, whoever reads it", async () => {
    const { response } = await fetcher({ maxBytes: MiB })(`https://${HOST}/bomb.json`);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow(`larger than ${MiB} bytes`);
  });

  test("a capped reader below the limit still gets its share", async () => {
    const { response } = await fetcher({ maxBytes: MiB })(`https://${HOST}/bomb.json`);
    expect((await readCapped(response, 1_000)).length).toBe(1_000);
  });

  test("an ordinary answer under the limit is read whole", async () => {
    const { response } = await fetcher({ maxBytes: MiB })(`https://${HOST}/products.json`);
    expect(((await response.json()) as { products: unknown[] }).products).toHaveLength(3);
  });
});

describe("time limits", () => {
  test("a store that sends no headers in time fails at the first-byte limit", async () => {
    const started = performance.now();
    const slow = fetcher({ firstByteTimeoutMs: 300 })(`https://${HOST}/slow-headers`);
    await expect(slow).rejects.toMatchObject({ code: "store_unreachable", retryable: true });
    await expect(slow).rejects.toThrow("first-byte");
    expect(performance.now() - started).toBeLessThan(1_900);
  });

  test("a body trickling past the total limit fails while being read", async () => {
    const { response } = await fetcher({ timeoutMs: 600 })(`https://${HOST}/slow-body`);
    const started = performance.now();
    await expect(response.text()).rejects.toMatchObject({ code: "store_unreachable" });
    expect(performance.now() - started).toBeLessThan(2_900);
  });
});

test("time spent waiting at the politeness gate does not count against the store", async () => {
  const gate = {
    beforeRequest: () => Bun.sleep(400),
    afterResponse: async () => {},
    onBlocked: async () => {},
  };
  const origins = new Map([[HOST, storefront.origin]]);
  const fetchStore = createStoreFetcher({ origins, timeoutMs: 300, gate });
  const { response } = await fetchStore(`https://${HOST}/products.json`);
  expect(((await response.json()) as { products: unknown[] }).products).toHaveLength(3);
});

test("requests name the product and a URL about it", async () => {
  await (await fetcher({})(`https://${HOST}/meta.json`)).response.arrayBuffer();
  const agent = log.entries.find((entry) => entry.path === "/meta.json")?.userAgent ?? "";
  expect(agent).toMatch(/^ShopSniffer\/\d+(\.\d+)* \(\+https?:\/\/\S+\)$/);
});
