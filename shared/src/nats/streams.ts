import { type JetStreamManager, nanos, RetentionPolicy, StorageType } from "nats";
import type { NatsNames } from "../contracts/subjects.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The pipeline stream's duplicate window: a stage message published again with the same msgID
 * within this long is dropped by JetStream.
 */
export const PIPELINE_DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

/** Progress history kept per job: enough for a late WebSocket client to replay a whole job. */
const PROGRESS_MAX_MSGS_PER_JOB = 5_000;

/**
 * Creates or updates the streams. The pipeline and delivery streams are work queues: a message
 * leaves once its consumer acks. The progress stream keeps each job's events for a week; the
 * events stream keeps analytics events for `eventsMaxAgeDays`. Each stream is stored on
 * `replicas` servers (`NATS_STREAM_REPLICAS`; more than 1 needs a NATS cluster that large).
 */
export async function ensureStreams(
  jsm: JetStreamManager,
  names: NatsNames,
  eventsMaxAgeDays = 30,
  replicas = 1,
): Promise<void> {
  await upsertStream(jsm, {
    name: names.pipelineStream,
    subjects: [names.pipelineSubjects],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    num_replicas: replicas,
    duplicate_window: nanos(PIPELINE_DUPLICATE_WINDOW_MS),
  });
  await upsertStream(jsm, {
    name: names.progressStream,
    subjects: [names.progressSubjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: replicas,
    max_age: nanos(7 * DAY_MS),
    max_msgs_per_subject: PROGRESS_MAX_MSGS_PER_JOB,
    duplicate_window: nanos(2 * 60 * 1000),
  });
  await upsertStream(jsm, {
    name: names.deliveryStream,
    subjects: [names.deliverySubjects],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    num_replicas: replicas,
    duplicate_window: nanos(10 * 60 * 1000),
  });
  await upsertStream(jsm, {
    name: names.eventsStream,
    subjects: [names.eventsSubjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: replicas,
    max_age: nanos(eventsMaxAgeDays * DAY_MS),
    duplicate_window: nanos(2 * 60 * 1000),
  });
}

type StreamSpec = Parameters<JetStreamManager["streams"]["add"]>[0] & { name: string };

async function upsertStream(jsm: JetStreamManager, spec: StreamSpec): Promise<void> {
  try {
    await jsm.streams.info(spec.name);
  } catch {
    try {
      await jsm.streams.add(spec);
      return;
    } catch (error) {
      // Another process created it between our two calls; fall through to the update.
      if (!String(error).includes("already in use")) throw error;
    }
  }
  await jsm.streams.update(spec.name, spec);
}
