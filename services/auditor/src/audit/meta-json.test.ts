import { afterAll, describe, expect, test } from "bun:test";
import { createLogger } from "@shopsniffer/shared/log";
import { createStoreFetcher } from "@shopsniffer/shared/store/fetch";
import { fetchMetaJson } from "./meta-json.ts";

let answer: () => Response = () => new Response("?", { status: 500 });
const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => answer() });
const fetchStore = createStoreFetcher({
  origins: new Map([["shop.test", `http://127.0.0.1:${server.port}`]]),
  timeoutMs: 60_000,
});
const log = createLogger("auditor-test", "silent");
afterAll(() => server.stop(true));

const meta = () => fetchMetaJson(fetchStore, "https://shop.test/", log);

/** A body that opens a JSON object and pads it with spaces forever. */
function endlessJson(): Response {
  const padding = new TextEncoder().encode(" ".repeat(16 * 1024));
  const body = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(new TextEncoder().encode('{"name":"Big"')),
    pull: (controller) => controller.enqueue(padding),
  });
  return new Response(body);
}

describe("/meta.json", () => {
  test("a small JSON object is read; garbage and non-2xx give null", async () => {
    answer = () => Response.json({ name: "Demo", currency: "EUR", extra: true });
    expect(await meta()).toEqual({ name: "Demo", currency: "EUR" });
    answer = () => new Response("{not json");
    expect(await meta()).toBeNull();
    answer = () => Response.json({ errors: "Not Found" }, { status: 404 });
    expect(await meta()).toBeNull();
  });

  test("a valid object over 256 KiB is cut and gives null", async () => {
    answer = () => Response.json({ name: "Padded", pad: "x".repeat(300 * 1024) });
    expect(await meta()).toBeNull();
  });

  test("an endless body ends the read after 256 KiB instead of hanging", async () => {
    answer = endlessJson;
    expect(await meta()).toBeNull();
  });
});
