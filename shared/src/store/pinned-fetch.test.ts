import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server, Socket } from "bun";
import { dlopen, FFIType } from "bun:ffi";
import { createStoreFetcher, type StoreFetcherOptions } from "./fetch.ts";

/**
 * Stores on their real ports (80 and 443) at random loopback addresses, which a test resolver
 * hands out for made-up names and a test policy treats as public (`good`) or internal (`bad`).
 * Binding ports below 1024 needs root (CI runs as root); elsewhere these tests skip.
 */
const octet = () => 2 + Math.floor(Math.random() * 250);
const good = `127.${octet()}.${octet()}.${octet()}`;
const bad = `127.${octet()}.${octet()}.${octet()}`;
const seenBy: Record<string, string[]> = { [good]: [], [bad]: [] };
const servers: Server<unknown>[] = [];
let certDir = "";
let cert = "";

function serve(hostname: string, port: number, tls?: { key: string; cert: string }) {
  const server = Bun.serve({
    hostname,
    port,
    ...(tls ? { tls } : {}),
    fetch(request) {
      const url = new URL(request.url);
      seenBy[hostname]?.push(`${request.headers.get("host")}${url.pathname}`);
      if (url.pathname === "/to-internal") {
        return new Response(null, { status: 302, headers: { location: "http://inside.test/" } });
      }
      return new Response(`served by ${hostname}`);
    },
  });
  servers.push(server);
}

let canBind = true;
try {
  serve(good, 80);
  serve(bad, 80);
} catch {
  canBind = false;
}

beforeAll(() => {
  if (!canBind) return;
  certDir = mkdtempSync(join(tmpdir(), "shopsniffer-cert-"));
  const [key, crt] = [join(certDir, "key.pem"), join(certDir, "cert.pem")];
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"],
      ...["-keyout", key, "-out", crt, "-subj", "/CN=shop.test"],
      ...["-addext", "subjectAltName=DNS:shop.test"],
    ],
    { stdio: "ignore" },
  );
  cert = readFileSync(crt, "utf8");
  serve(good, 443, { key: readFileSync(key, "utf8"), cert });
});
afterAll(async () => {
  for (const server of servers) await server.stop(true);
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

/** A fetcher whose resolver gives each name's answers in turn, recording every lookup. */
function fetcherWith(answers: Record<string, string[]>, extra: Partial<StoreFetcherOptions> = {}) {
  const lookups: string[] = [];
  const fetchStore = createStoreFetcher({
    origins: new Map(),
    timeoutMs: 5_000,
    ca: cert,
    guard: {
      lookup: async (host) => {
        lookups.push(host);
        const address = answers[host]?.shift() ?? answers[host]?.at(-1);
        if (!address) throw new Error(`ENOTFOUND ${host}`);
        return [{ address }];
      },
      isNonPublic: (address) => address !== good,
    },
    ...extra,
  });
  return { fetchStore, lookups };
}

/** libc's socket calls, to listen without accepting (Bun accepts every connection). */
const libc = (() => {
  const { i32, u32, ptr } = FFIType;
  try {
    return dlopen("libc.so.6", {
      socket: { args: [i32, i32, i32], returns: i32 },
      bind: { args: [i32, ptr, u32], returns: i32 },
      listen: { args: [i32, i32], returns: i32 },
      close: { args: [i32], returns: i32 },
    }).symbols;
  } catch {
    return null;
  }
})();

/**
 * A port that drops connections the way a firewalled address does: a listening socket that
 * never accepts, its one-slot queue filled, so the kernel ignores every further SYN.
 */
async function blackhole(address: string, port: number): Promise<{ close: () => void }> {
  if (!libc) throw new Error("no libc");
  const fd = libc.socket(2, 1, 0); // AF_INET, SOCK_STREAM
  const sockaddr = Buffer.alloc(16);
  sockaddr.writeUInt16LE(2, 0);
  sockaddr.writeUInt16BE(port, 2);
  for (const [i, part] of address.split(".").entries()) sockaddr[4 + i] = Number(part);
  if (libc.bind(fd, sockaddr, 16) !== 0 || libc.listen(fd, 0) !== 0) {
    libc.close(fd);
    throw new Error(`cannot listen on ${address}:${port}`);
  }
  const filler: Socket = await Bun.connect({
    hostname: address,
    port,
    socket: { data() {}, open() {} },
  });
  return {
    close: () => {
      filler.end();
      libc.close(fd);
    },
  };
}

describe.skipIf(!canBind)("the address a name resolved to is the one connected to", () => {
  test("a second lookup answering an internal address cannot swap the connection", async () => {
    const { fetchStore, lookups } = fetcherWith({ "rebind.test": [good, bad, bad] });
    const { response } = await fetchStore("http://rebind.test/first");
    expect(await response.text()).toBe(`served by ${good}`);
    expect(lookups).toEqual(["rebind.test"]);
    expect(seenBy[good]).toContain("rebind.test/first");
    await expect(fetchStore("http://rebind.test/second")).rejects.toMatchObject({
      code: "blocked_address",
    });
    expect(seenBy[bad]).toEqual([]);
  });

  test("https is pinned too, and the certificate is checked against the store's name", async () => {
    const { fetchStore } = fetcherWith({ "shop.test": [good], "other.test": [good] });
    const { response } = await fetchStore("https://shop.test/secure");
    expect(await response.text()).toBe(`served by ${good}`);
    expect(seenBy[good]).toContain("shop.test/secure");
    await expect(fetchStore("https://other.test/")).rejects.toMatchObject({
      code: "store_unreachable",
    });
  });

  test("an address that refuses the connection is skipped for the next checked one", async () => {
    let closed = `127.${octet()}.${octet()}.${octet()}`;
    while (closed === good || closed === bad) closed = `127.${octet()}.${octet()}.${octet()}`;
    const lookups: string[] = [];
    const fetchStore = createStoreFetcher({
      origins: new Map(),
      timeoutMs: 5_000,
      guard: {
        lookup: async (host) => {
          lookups.push(host);
          return [{ address: closed }, { address: good }];
        },
        isNonPublic: (address) => address !== good && address !== closed,
      },
    });
    const { response } = await fetchStore("http://two-homes.test/fallback");
    expect(await response.text()).toBe(`served by ${good}`);
    expect(seenBy[good]).toContain("two-homes.test/fallback");
    expect(lookups).toEqual(["two-homes.test"]);
  });

  test.skipIf(!libc)(
    "an address that takes no connection is given up after the connect timeout",
    async () => {
      let silent = `127.${octet()}.${octet()}.${octet()}`;
      while (silent === good || silent === bad) silent = `127.${octet()}.${octet()}.${octet()}`;
      const hole = await blackhole(silent, 80);
      try {
        const fetchStore = createStoreFetcher({
          origins: new Map(),
          timeoutMs: 20_000,
          connectTimeoutMs: 500,
          guard: {
            lookup: async () => [{ address: silent }, { address: good }],
            isNonPublic: (address) => address !== good && address !== silent,
          },
        });
        const started = performance.now();
        const { response } = await fetchStore("http://silent-first.test/after-timeout");
        expect(await response.text()).toBe(`served by ${good}`);
        expect(performance.now() - started).toBeLessThan(2_500);
        expect(seenBy[good]).toContain("silent-first.test/after-timeout");
      } finally {
        hole.close();
      }
    },
    25_000,
  );

  test("a request sent to an address that does not answer is not sent to the next", async () => {
    let slow = `127.${octet()}.${octet()}.${octet()}`;
    while (slow === good || slow === bad) slow = `127.${octet()}.${octet()}.${octet()}`;
    const asked: string[] = [];
    const silentServer = Bun.serve({
      hostname: slow,
      port: 80,
      fetch: (request) => {
        asked.push(new URL(request.url).pathname);
        return new Promise<Response>(() => {});
      },
    });
    servers.push(silentServer);
    const fetchStore = createStoreFetcher({
      origins: new Map(),
      timeoutMs: 5_000,
      firstByteTimeoutMs: 300,
      connectTimeoutMs: 300,
      guard: {
        lookup: async () => [{ address: slow }, { address: good }],
        isNonPublic: (address) => address !== good && address !== slow,
      },
    });
    await expect(fetchStore("http://slow-first.test/sent-once")).rejects.toMatchObject({
      code: "store_unreachable",
    });
    expect(asked).toEqual(["/sent-once"]);
    expect(seenBy[good]).not.toContain("slow-first.test/sent-once");
  });

  test("every redirect hop is resolved and checked again", async () => {
    const { fetchStore, lookups } = fetcherWith({ "shop.test": [good], "inside.test": [bad] });
    await expect(fetchStore("http://shop.test/to-internal")).rejects.toMatchObject({
      code: "blocked_address",
    });
    expect(lookups).toEqual(["shop.test", "inside.test"]);
    expect(seenBy[bad]).toEqual([]);
  });
});

describe("what is never fetched", () => {
  test("ports other than 80 and 443, and other schemes, are refused before any lookup", async () => {
    const { fetchStore, lookups } = fetcherWith({ "shop.test": [good] });
    for (const url of ["http://shop.test:8080/", "https://shop.test:22/"]) {
      await expect(fetchStore(url)).rejects.toMatchObject({ code: "blocked_address" });
    }
    await expect(fetchStore("ftp://shop.test/")).rejects.toMatchObject({
      code: "store_unreachable",
    });
    expect(lookups).toEqual([]);
  });

  test("internal addresses in any spelling are refused without a lookup", async () => {
    const fetchStore = createStoreFetcher({ origins: new Map(), timeoutMs: 1_000 });
    for (const host of ["127.0.0.1", "0x7f.1", "2130706433", "[::ffff:127.0.0.1]", "[::1]"]) {
      await expect(fetchStore(`http://${host}/`)).rejects.toMatchObject({
        code: "blocked_address",
      });
    }
  });
});
