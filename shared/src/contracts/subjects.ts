import type { Stage } from "./stages.ts";

/**
 * Every NATS subject and stream name, built from one prefix (`NATS_PREFIX`).
 * - `<prefix>.pipeline.<stage>`: work items, one per job and stage (work-queue stream).
 * - `<prefix>.progress.<jobId>`: progress events of one job (limits stream, replayable).
 */
export function natsNames(prefix: string) {
  const streamPrefix = prefix.toUpperCase().replace(/-/g, "_");
  return {
    pipelineStream: `${streamPrefix}_PIPELINE`,
    progressStream: `${streamPrefix}_PROGRESS`,
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
