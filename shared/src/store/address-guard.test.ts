import { expect, test } from "bun:test";
import { assertPublicHost, isNonPublicAddress } from "./address-guard.ts";

test.each([
  ["127.0.0.1", true],
  ["10.1.2.3", true],
  ["172.16.0.1", true],
  ["172.32.0.1", false],
  ["192.168.1.1", true],
  ["169.254.169.254", true],
  ["100.64.0.1", true],
  ["0.0.0.0", true],
  ["8.8.8.8", false],
  ["::1", true],
  ["fd00::1", true],
  ["fe80::1", true],
  ["::ffff:127.0.0.1", true],
  ["2606:4700::1111", false],
])("%s is non-public: %p", (address, expected) => {
  expect(isNonPublicAddress(address)).toBe(expected);
});

test("loopback names and literals are refused before any request", async () => {
  for (const host of ["localhost", "api.localhost", "127.0.0.1", "[::1]", "169.254.169.254"]) {
    await expect(assertPublicHost(host)).rejects.toThrow();
  }
});
