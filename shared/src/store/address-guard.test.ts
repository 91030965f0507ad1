import { expect, test } from "bun:test";
import { assertPublicHost, isNonPublicAddress } from "./address-guard.ts";

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
