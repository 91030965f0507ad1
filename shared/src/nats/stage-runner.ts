import { AckPolicy, type JsMsg, nanos, type PubAck } from "nats";
import type { BaseConfig } from "../config.ts";
import {
  type DeliveryMessage,
  type StageMessage,
  stageMessageSchema,
} from "../contracts/messages.ts";
import { nextStage, type Stage, type Step, stepSchema, stepStage } from "../contracts/stages.ts";
import { type FailureRecord, toFailure } from "../errors.ts";
import { finalEvent } from "../jobs/final-event.ts";
import { ProgressReporter } from "../jobs/progress.ts";
import { failJob, getJob, type JobRow } from "../jobs/state.ts";
import type { Logger } from "../log.ts";
import { countJobErrored, countStageRetry, observeStage, trackQueue } from "../metrics.ts";
import type { ServiceContext } from "../service.ts";
import { beforeDeadline } from "./deadline.ts";
import { type Lease, pullLoop } from "./pull-loop.ts";
import { isoNow } from "../time.ts";

/** What a stage handler gets for one job. */
export interface StageRun {
  job: JobRow;
  stage: Stage;
  /** 1 on the first delivery, counting redeliveries after crashes and retries. */
  attempt: number;
  log: Logger;
  progress: ProgressReporter;
  /** The step a failure is charged to; handlers move it forward as they go. */
  step: Step;
  /**
   * Fires at the stage's deadline (`STAGE_DEADLINE_MS`) or when the message is handed back on
   * shutdown. Pass it to slow calls: at that point the runner retries or fails the job without
   * waiting for the handler (whose slot stays taken until it ends); `progress` then throws,
   * and `startStep`/`finishStep` leave a finished job and a newer attempt's step alone.
   */
  signal: AbortSignal;
}

export type StageHandler = (run: StageRun) => Promise<void>;

/** One consumer declaration: the stage, its first step and its handler. */
export interface StageSpec {
  stage: Stage;
  firstStep: Step;
  handle: StageHandler;
}

/** How a stage consumer behaves: ack wait, attempts, back-off and concurrency per process. */
export interface RunnerOptions {
  ackWaitMs: number;
  maxAttempts: number;
  backoffMs: number[];
  concurrency: number;
  /** On stop, how long running handlers may finish before their messages are handed back. */
  shutdownGraceMs?: number;
  /** Longest one attempt of a stage may run; then it counts as a retryable failure. 0: none. */
  deadlineMs?: number;
}

/** Runner options from the shared stage settings, with a service's own concurrency. */
export function runnerOptions(config: BaseConfig, concurrency: number): RunnerOptions {
  return {
    ackWaitMs: config.STAGE_ACK_WAIT_MS,
    maxAttempts: config.STAGE_MAX_DELIVER,
    backoffMs: config.STAGE_BACKOFF_MS,
    concurrency,
    deadlineMs: config.STAGE_DEADLINE_MS,
  };
}

/**
 * Consumes each spec's stage from the pipeline stream, one message per free slot (nothing is
 * pulled ahead, so no message waits unheard in a buffer). A message is acked only after its
 * handler committed its results and the next stage was published. Retryable failures are
 * nak'ed with back-off; the last failure, or a non-retryable one, marks the job `errored` and
 * terminates the message. Returns a function that stops consuming: handlers still running
 * after the grace period get their messages nak'ed, so another process takes them at once.
 */
export async function runStages(
  svc: ServiceContext,
  specs: StageSpec[],
  options: RunnerOptions,
): Promise<() => Promise<void>> {
  const loops = await Promise.all(specs.map((spec) => startConsumer(svc, spec, options)));
  return async () => {
    await Promise.all(loops.map((stop) => stop()));
  };
}

async function startConsumer(svc: ServiceContext, spec: StageSpec, options: RunnerOptions) {
  const consumer = await ensureConsumer(svc, spec.stage, options);
  const stop = pullLoop(
    consumer,
    {
      nc: svc.nc,
      log: svc.log.child({ stage: spec.stage }),
      concurrency: options.concurrency,
      heartbeatMs: options.ackWaitMs / 3,
      shutdownGraceMs: options.shutdownGraceMs ?? 3_000,
      deadlineMs: options.deadlineMs,
      what: `${spec.stage} stage`,
    },
    (lease) => handleMessage(svc, spec, options, lease),
  );
  svc.log.info({ stage: spec.stage, consumer: svc.names.consumer(spec.stage) }, "consuming stage");
  return stop;
}

async function ensureConsumer(svc: ServiceContext, stage: Stage, options: RunnerOptions) {
  const durable = svc.names.consumer(stage);
  const config = {
    durable_name: durable,
    filter_subject: svc.names.stage(stage),
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(options.ackWaitMs),
    // One more than our own limit, so a handler that keeps crashing is still caught below.
    max_deliver: options.maxAttempts + 1,
  };
  await svc.jsm.consumers.add(svc.names.pipelineStream, config).catch(async () => {
    await svc.jsm.consumers.update(svc.names.pipelineStream, durable, config);
  });
  trackQueue(svc.jsm, svc.names.pipelineStream, durable);
  return svc.js.consumers.get(svc.names.pipelineStream, durable);
}

async function handleMessage(
  svc: ServiceContext,
  spec: StageSpec,
  options: RunnerOptions,
  lease: Lease,
): Promise<void> {
  const { msg } = lease;
  const parsed = parseStageMessage(msg);
  if (!parsed) {
    svc.log.error({ subject: msg.subject, seq: msg.seq }, "invalid stage message terminated");
    msg.term();
    return;
  }
  const job = await getJob(svc.db, parsed.jobId);
  const log = svc.log.child({ jobId: parsed.jobId, stage: spec.stage });
  if (!job) {
    log.warn("stage message for an unknown job terminated");
    msg.term();
    return;
  }
  if (job.status === "completed" || job.status === "errored") {
    await republishFinal(svc, job, log);
    msg.ack();
    return;
  }
  const run: StageRun = {
    job,
    stage: spec.stage,
    attempt: msg.info.redeliveryCount,
    log,
    progress: new ProgressReporter(svc.js, svc.names, svc.db, lease.signal),
    step: spec.firstStep,
    signal: lease.signal,
  };
  if (run.attempt > options.maxAttempts) {
    run.step = currentStep(job, spec);
    const failure = { code: "internal" as const, message: "stage kept crashing", retryable: false };
    await giveUp(svc, run, lease, failure, options.maxAttempts);
    return;
  }
  await runHandler(svc, spec, options, lease, run);
}

/**
 * A message for a finished job means the stage that finished it may have stopped before its
 * final event went out; publishing it again is safe, as its msgID drops a repeat.
 */
async function republishFinal(svc: ServiceContext, job: JobRow, log: Logger) {
  const event = finalEvent(job, svc.config.PUBLIC_URL);
  if (event) await new ProgressReporter(svc.js, svc.names, svc.db).publish(event);
  log.info({ status: job.status }, "stage message for a finished job acked");
}

async function runHandler(
  svc: ServiceContext,
  spec: StageSpec,
  options: RunnerOptions,
  lease: Lease,
  run: StageRun,
): Promise<void> {
  const started = performance.now();
  try {
    const work = spec.handle(run);
    lease.holdSlot(work);
    await beforeDeadline(work, lease.signal);
    if (lease.handedBack) return;
    await publishNext(svc, run.job.id, spec.stage);
  } catch (error) {
    observeStage(spec.stage, "error", started);
    if (!lease.handedBack) await retryOrGiveUp(svc, options, lease, run, toFailure(error));
    return;
  }
  if (lease.handedBack) return;
  // The work is committed and handed on; if this ack is lost the stage simply runs again.
  await lease.msg.ackAck().catch((error) => run.log.warn({ err: error }, "ack lost"));
  observeStage(spec.stage, "ok", started);
  run.log.info({ attempt: run.attempt, durationMs: msSince(started) }, "stage done");
}

async function retryOrGiveUp(
  svc: ServiceContext,
  options: RunnerOptions,
  lease: Lease,
  run: StageRun,
  failure: FailureRecord,
) {
  if (failure.retryable && run.attempt < options.maxAttempts) {
    const delay = options.backoffMs[Math.min(run.attempt, options.backoffMs.length) - 1] ?? 0;
    run.log.warn({ attempt: run.attempt, delayMs: delay, err: failure }, "stage retry");
    countStageRetry(run.stage);
    lease.msg.nak(delay);
    return;
  }
  await giveUp(svc, run, lease, failure, run.attempt);
}

/**
 * Marks the job errored and publishes its `error` event before terminating the message, so a
 * failed publish leaves the message to come back and try again (the msgID drops a repeat).
 */
async function giveUp(
  svc: ServiceContext,
  run: StageRun,
  lease: Lease,
  failure: FailureRecord,
  attempts: number,
) {
  run.log.error({ attempts, step: run.step, err: failure }, "stage failed, job errored");
  await failJob(svc.db, run.job.id, run.step, failure, attempts);
  countJobErrored();
  // Not `run.progress`: its signal has fired when the deadline is what failed the job.
  await new ProgressReporter(svc.js, svc.names, svc.db).publish({
    type: "error",
    job_id: run.job.id,
    step: run.step,
    error: failure.message,
    code: failure.code,
    attempts,
    at: isoNow(),
  });
  if (run.job.webhookUrl || run.job.notifyEmail) await queueDelivery(svc, run.job.id, "job.failed");
  if (!lease.handedBack) lease.msg.term();
}

/** Queues the notifications of a job's end; the msgID makes a repeat a no-op. */
export async function queueDelivery(
  svc: ServiceContext,
  jobId: string,
  event: DeliveryMessage["event"],
) {
  const message: DeliveryMessage = { jobId, event };
  await svc.js.publish(svc.names.delivery(event), JSON.stringify(message), {
    msgID: svc.names.deliveryMsgId(jobId, event),
  });
}

/**
 * Publishes a job's stage; the msgID makes a repeated publish a no-op (`duplicate` in the ack)
 * within the pipeline stream's duplicate window.
 */
export async function publishStage(
  svc: ServiceContext,
  jobId: string,
  stage: Stage,
): Promise<PubAck> {
  const message: StageMessage = { jobId, stage };
  return svc.js.publish(svc.names.stage(stage), JSON.stringify(message), {
    msgID: svc.names.stageMsgId(jobId, stage),
  });
}

async function publishNext(svc: ServiceContext, jobId: string, stage: Stage) {
  const next = nextStage(stage);
  if (next) await publishStage(svc, jobId, next);
}

/** The job's current step if it belongs to this stage, else the stage's first step. */
function currentStep(job: JobRow, spec: StageSpec): Step {
  const parsed = stepSchema.safeParse(job.currentStep);
  return parsed.success && stepStage[parsed.data] === spec.stage ? parsed.data : spec.firstStep;
}

function parseStageMessage(msg: JsMsg): StageMessage | null {
  try {
    const result = stageMessageSchema.safeParse(msg.json());
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

function msSince(started: number): number {
  return Math.round(performance.now() - started);
}
