import { expect, test } from "bun:test";
import { assertPublicHost, isNonPublicAddress, legacyIpv4 } from "./address-guard.ts";

test.each([
  ["127.0.0.1", true],
  ["10.1.2.3", true],
  ["172.16.0.1", true],
  ["172.32.0.1", false],
  ["192.168.1.1", true],
  ["192.0.0.8", true],
  ["169.254.169.254", true],
  ["100.64.0.1", true],
  ["0.0.0.0", true],
  ["8.8.8.8", false],
  ["::", true],
  ["::1", true],
  ["fd00::1", true],
  ["fe80::1", true],
  ["ff02::1", true],
  ["2001:db8::1", true],
  ["::ffff:127.0.0.1", true],
  ["::ffff:7f00:1", true],
  ["::7f00:1", true],
  ["64:ff9b::a9fe:a9fe", true],
  ["::ffff:8.8.8.8", false],
  ["::FFFF:7F00:1", true],
  ["fe80::1%eth0", true],
  ["fec0::1", true],
  ["64:ff9b:1::1", true],
  ["::ffff:0:7f00:1", true],
  ["2002:7f00:1::1", true],
  ["2002:0808:0808::1", false],
  ["2606:4700::1111", false],
  ["not-an-address", true],
  // Every form the guard must refuse, one line each, with a public neighbour where one exists.
  ["127.255.255.254", true],
  ["192.0.2.1", true],
  ["198.51.100.7", true],
  ["203.0.113.9", true],
  ["198.18.0.1", true],
  ["198.19.255.255", true],
  ["198.20.0.1", false],
  ["100.127.255.255", true],
  ["100.128.0.1", false],
  ["169.254.0.1", true],
  ["224.0.0.1", true],
  ["239.255.255.250", true],
  ["240.0.0.1", true],
  ["255.255.255.255", true],
  ["192.88.99.1", true],
  ["::2", true],
  ["100::1", true],
  ["::127.0.0.1", true],
  ["::8.8.8.8", false],
  ["64:ff9b::127.0.0.1", true],
  ["64:ff9b::8.8.8.8", false],
  ["64:ff9b:1::8.8.8.8", true],
  ["64:ff9b:1:ffff::1", true],
  ["2002:0a00:0001::1", true],
  ["2002:c0a8:0101::1", true],
  ["2002:a9fe:a9fe::1", true],
  ["2001::1", true],
  ["2001:0:4136:e378:8000:63bf:3fff:fdd2", true],
  ["2001:2::1", true],
  ["2001:1ff::1", true],
  ["2001:200::1", false],
  ["3fff::1", true],
  ["fc00::1", true],
  ["fdff:ffff::1", true],
  ["febf::1", true],
  ["fec0::1", true],
  ["feff::1", true],
  ["ff05::1:3", true],
  ["5f00::1", true],
  ["2a00:1450:4001::200e", false],
])("%s is non-public: %p", (address, expected) => {
  expect(isNonPublicAddress(address)).toBe(expected);
});

test("loopback names and literals in any spelling are refused before any request", async () => {
  const hosts = ["localhost", "api.localhost", "127.0.0.1", "[::1]", "[::ffff:7f00:1]"];
  for (const host of [...hosts, "169.254.169.254", "[64:ff9b::7f00:1]"]) {
    await expect(assertPublicHost(host)).rejects.toThrow("not a public internet address");
  }
});

test("the URL parser's own spelling of a mapped loopback address is refused", async () => {
  const { hostname } = new URL("http://[::ffff:127.0.0.1]:8080/");
  expect(hostname).toBe("[::ffff:7f00:1]");
  await expect(assertPublicHost(hostname)).rejects.toThrow();
});

test.each([
  ["2130706433", "127.0.0.1"],
  ["0x7f.1", "127.0.0.1"],
  ["0x7f000001", "127.0.0.1"],
  ["017700000001", "127.0.0.1"],
  ["0177.0.0.1", "127.0.0.1"],
  ["127.1", "127.0.0.1"],
  ["10.1", "10.0.0.1"],
  ["192.168.257", "192.168.1.1"],
  ["0", "0.0.0.0"],
  ["134744072", "8.8.8.8"],
  ["example.com", null],
  ["256.1.1.1", null],
  ["08.1", null],
  ["4294967296", null],
  ["1.2.3.4.5", null],
])("the IPv4 spelling %s reads as %p", (host, expected) => {
  expect(legacyIpv4(host)).toBe(expected);
});

/** A resolver that fails the test if asked: these hosts must be judged without a lookup. */
const noLookup = {
  lookup: async (host: string): Promise<Array<{ address: string }>> => {
    throw new Error(`looked up ${host}`);
  },
};

test("numeric IPv4 spellings and trailing dots are refused without asking a resolver", async () => {
  const numeric = ["2130706433", "0x7f.1", "0x7f000001", "017700000001", "127.1", "0xa9.0xfe.0.1"];
  const dotted = ["127.0.0.1.", "localhost.", "api.localhost..", "metadata.google.internal."];
  for (const host of [...numeric, ...dotted, "[::1]", "[fe80::1]", "192.168.1"]) {
    await expect(assertPublicHost(host, noLookup)).rejects.toMatchObject({
      code: "blocked_address",
    });
  }
  await expect(assertPublicHost("134744072", noLookup)).resolves.toBeUndefined();
});

test("a name is refused when any of its addresses is internal, in any spelling", async () => {
  const answers = ["8.8.8.8", "::ffff:10.0.0.1"];
  const lookup = async () => answers.map((address) => ({ address }));
  await expect(assertPublicHost("shop.test.", { lookup })).rejects.toMatchObject({
    code: "blocked_address",
  });
  const publicOnly = async () => [{ address: "8.8.8.8" }, { address: "2606:4700::1111" }];
  await expect(assertPublicHost("shop.test", { lookup: publicOnly })).resolves.toBeUndefined();
});
