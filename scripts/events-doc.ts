/** `npm run docs:events`: regenerates docs/events.md from the event contracts. */
import { eventsDocument } from "./lib/events-doc.ts";

await Bun.write(new URL("../docs/events.md", import.meta.url), eventsDocument());
console.log("wrote docs/events.md");
