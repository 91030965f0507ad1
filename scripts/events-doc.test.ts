import { expect, test } from "bun:test";
import { eventsDocument } from "./lib/events-doc.ts";

test("docs/events.md is generated from the current event contracts", async () => {
  const onDisk = await Bun.file(new URL("../docs/events.md", import.meta.url)).text();
  expect(onDisk).toBe(eventsDocument());
});
