import type { JetStreamClient } from "nats";
import { type EventName, type EventOf, eventSchemas } from "../contracts/events.ts";
import type { NatsNames } from "../contracts/subjects.ts";

/**
 * Publishes one analytics event to `<prefix>.events.<name>` after checking it against its
 * schema. `onceKey` names what makes it unique within its job (a step, say), so a stage that
 * runs twice publishes it once.
 */
export async function publishEvent<N extends EventName>(
  js: JetStreamClient,
  names: NatsNames,
  name: N,
  event: EventOf<N>,
  onceKey = "",
): Promise<void> {
  const checked = eventSchemas[name].parse(event) as EventOf<N>;
  await js.publish(names.event(name), JSON.stringify(checked), {
    msgID: `${checked.job_id}:event:${name}${onceKey ? `:${onceKey}` : ""}`,
  });
}
