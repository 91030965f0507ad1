import type { EventName } from "./events.ts";
import type { Stage } from "./stages.ts";

/**
 * Every NATS subject and stream name, built from one prefix (`NATS_PREFIX`).
 * - `<prefix>.pipeline.<stage>`: work items, one per job and stage (work-queue stream).
 * - `<prefix>.progress.<jobId>`: progress events of one job (limits stream, replayable).
 * - `<prefix>.delivery.<event>`: notifications to deliver, retried with back-off (work queue).
 * - `<prefix>.events.<name>`: analytics events (limits stream, for taps).
 */
export function natsNames(prefix: string) {
  const streamPrefix = prefix.toUpperCase().replace(/-/g, "_");
  return {
    pipelineStream: `${streamPrefix}_PIPELINE`,
    progressStream: `${streamPrefix}_PROGRESS`,
    deliveryStream: `${streamPrefix}_DELIVERY`,
    eventsStream: `${streamPrefix}_EVENTS`,
    /** KV bucket of the crawler's politeness budget, shared by every crawler process. */
    politenessBucket: `${streamPrefix}_POLITENESS`,
    deliverySubjects: `${prefix}.delivery.>`,
    eventsSubjects: `${prefix}.events.>`,
    /** Where the notifications of a job's end (`job.completed`, `job.failed`) are queued. */
    delivery: (event: "job.completed" | "job.failed") => `${prefix}.delivery.${event}`,
    deliveryConsumer: `${prefix}-delivery`,
    deliveryMsgId: (jobId: string, event: string) => `${jobId}:delivery:${event}`,
    event: (name: EventName) => `${prefix}.events.${name}`,
    pipelineSubjects: `${prefix}.pipeline.>`,
    progressSubjects: `${prefix}.progress.>`,
    stage: (stage: Stage) => `${prefix}.pipeline.${stage}`,
    progress: (jobId: string) => `${prefix}.progress.${jobId}`,
    /** Durable consumer of one stage; one per stage, shared by all replicas of its service. */
    consumer: (stage: Stage) => `${prefix}-stage-${stage}`,
    /** Deduplication id of a stage message: a job enters each stage once. */
    stageMsgId: (jobId: string, stage: Stage) => `${jobId}:${stage}`,
    /**
     * Deduplication id of a progress event that happens once per job (`complete`, `error`) or
     * once per step outcome (`step:<name>:<status>`); `status` snapshots carry none.
     */
    progressMsgId: (jobId: string, once: string) => `${jobId}:progress:${once}`,
  };
}

export type NatsNames = ReturnType<typeof natsNames>;
