import { z } from "zod";
import { eventSchemas } from "../../shared/src/contracts/events.ts";

/** The JSON Schema of each analytics event, generated from its zod contract. */
export function eventJsonSchemas(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(eventSchemas).map(([name, schema]) => [name, z.toJSONSchema(schema)]),
  );
}

/** `docs/events.md`: every analytics event, its subject and its JSON Schema. */
export function eventsDocument(): string {
  const sections = Object.entries(eventJsonSchemas()).map(([name, schema]) => {
    const description = String(schema.description ?? "");
    return [
      `## \`${name}\``,
      "",
      `Subject \`<prefix>.events.${name}\` (by default \`shopsniffer.events.${name}\`). ${description}`,
      "",
      "```json",
      JSON.stringify(schema, null, 2),
      "```",
      "",
    ].join("\n");
  });
  return [
    "# Analytics events",
    "",
    "ShopSniffer publishes a fact about every job to NATS as it happens, for analytics teams to",
    "tap with a plain NATS client. Events live in the JetStream stream `<PREFIX>_EVENTS`",
    "(`SHOPSNIFFER_EVENTS` by default) for `EVENTS_MAX_AGE_DAYS` (30), so a tap can replay them;",
    "a core subscription to `shopsniffer.events.>` sees them live. Each event is a JSON object;",
    "each is published once per job (once per step for `step.completed`), even when a stage runs",
    "twice. This file is generated from the zod contracts in `shared/src/contracts/events.ts`",
    "by `npm run docs:events`; a test fails when it is out of date.",
    "",
    "```sh",
    "nats sub 'shopsniffer.events.>'                       # live, with the NATS CLI",
    "nats stream view SHOPSNIFFER_EVENTS                   # replay",
    "```",
    "",
    ...sections,
  ].join("\n");
}
