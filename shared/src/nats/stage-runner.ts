import { AckPolicy, type ConsumerMessages, type JsMsg, nanos } from "nats";
import { type StageMessage, stageMessageSchema } from "../contracts/messages.ts";
import { nextStage, type Stage, type Step } from "../contracts/stages.ts";
import { toFailure } from "../errors.ts";
import { ProgressReporter } from "../jobs/progress.ts";
import { failJob, getJob, type JobRow } from "../jobs/state.ts";
import type { Logger } from "../log.ts";
import type { ServiceContext } from "../service.ts";
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
}

/**
 * Consumes each spec's stage from the pipeline stream. A message is acked only after its handler
 * committed its results and the next stage was published. Retryable failures are nak'ed with
 * back-off; the last failure, or a non-retryable one, marks the job `errored` and terminates
 * the message. Returns a function that stops consuming and waits for running handlers.
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
  const durable = svc.names.consumer(spec.stage);
  const config = {
    durable_name: durable,
    filter_subject: svc.names.stage(spec.stage),
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(options.ackWaitMs),
    // One more than our own limit, so a handler that keeps crashing is still caught below.
    max_deliver: options.maxAttempts + 1,
  };
  await svc.jsm.consumers.add(svc.names.pipelineStream, config).catch(async () => {
    await svc.jsm.consumers.update(svc.names.pipelineStream, durable, config);
  });
  const consumer = await svc.js.consumers.get(svc.names.pipelineStream, durable);
  const messages = await consumer.consume({ max_messages: options.concurrency });
  const running = new Set<Promise<void>>();
  const loop = (async () => {
    for await (const msg of messages) {
      const task = handleMessage(svc, spec, options, msg).finally(() => running.delete(task));
      running.add(task);
      if (running.size >= options.concurrency) await Promise.race(running);
    }
  })();
  svc.log.info({ stage: spec.stage, consumer: durable }, "consuming stage");
  return async () => {
    await stopMessages(messages);
    await Promise.allSettled([...running]);
    await loop.catch(() => undefined);
  };
}

async function stopMessages(messages: ConsumerMessages) {
  await messages.close().catch(() => undefined);
}

async function handleMessage(
  svc: ServiceContext,
  spec: StageSpec,
  options: RunnerOptions,
  msg: JsMsg,
): Promise<void> {
  const parsed = parseStageMessage(msg);
  if (!parsed) {
    svc.log.error({ subject: msg.subject, seq: msg.seq }, "invalid stage message terminated");
    msg.term();
    return;
  }
  const job = await getJob(svc.db, parsed.jobId);
  const log = svc.log.child({ jobId: parsed.jobId, stage: spec.stage });
  if (!job || job.status === "completed" || job.status === "errored") {
    log.warn({ status: job?.status ?? "missing" }, "stage message for a finished job acked");
    msg.ack();
    return;
  }
  const attempt = msg.info.redeliveryCount;
  const run: StageRun = {
    job,
    stage: spec.stage,
    attempt,
    log,
    progress: new ProgressReporter(svc.js, svc.names, svc.db),
    step: spec.firstStep,
  };
  if (attempt > options.maxAttempts) {
    const failure = { code: "internal" as const, message: "stage kept crashing", retryable: false };
    await giveUp(svc, run, msg, failure, options.maxAttempts);
    return;
  }
  await runHandler(svc, spec, options, msg, run);
}

async function runHandler(
  svc: ServiceContext,
  spec: StageSpec,
  options: RunnerOptions,
  msg: JsMsg,
  run: StageRun,
): Promise<void> {
  const started = performance.now();
  const heartbeat = setInterval(() => msg.working(), Math.max(500, options.ackWaitMs / 3));
  try {
    await spec.handle(run);
    await publishNext(svc, run.job.id, spec.stage);
    await msg.ackAck();
    run.log.info({ attempt: run.attempt, durationMs: ms(started) }, "stage done");
  } catch (error) {
    const failure = toFailure(error);
    if (failure.retryable && run.attempt < options.maxAttempts) {
      const delay = options.backoffMs[Math.min(run.attempt, options.backoffMs.length) - 1] ?? 0;
      run.log.warn({ attempt: run.attempt, delayMs: delay, err: failure }, "stage retry");
      msg.nak(delay);
      return;
    }
    await giveUp(svc, run, msg, failure, run.attempt);
  } finally {
    clearInterval(heartbeat);
  }
}

async function giveUp(
  svc: ServiceContext,
  run: StageRun,
  msg: JsMsg,
  failure: ReturnType<typeof toFailure>,
  attempts: number,
) {
  run.log.error({ attempts, step: run.step, err: failure }, "stage failed, job errored");
  await failJob(svc.db, run.job.id, run.step, failure, attempts);
  await run.progress.publish({
    type: "error",
    job_id: run.job.id,
    step: run.step,
    error: failure.message,
    code: failure.code,
    attempts,
    at: isoNow(),
  });
  msg.term();
}

/** Publishes the job's next stage; the msgID makes a repeated publish a no-op. */
export async function publishStage(svc: ServiceContext, jobId: string, stage: Stage) {
  const message: StageMessage = { jobId, stage };
  await svc.js.publish(svc.names.stage(stage), JSON.stringify(message), {
    msgID: svc.names.stageMsgId(jobId, stage),
  });
}

async function publishNext(svc: ServiceContext, jobId: string, stage: Stage) {
  const next = nextStage(stage);
  if (next) await publishStage(svc, jobId, next);
}

function parseStageMessage(msg: JsMsg): StageMessage | null {
  try {
    const result = stageMessageSchema.safeParse(msg.json());
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

function ms(started: number): number {
  return Math.round(performance.now() - started);
}
