import type { JetStreamManager } from "nats";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { nextStage, type Stage } from "./contracts/stages.ts";

/**
 * The process's Prometheus metrics, one registry per service process. Services record through
 * the small functions below (one call at each site), and expose the registry on `/metrics`
 * (the health listener) or `/api/metrics` (the gateway). docs/operations.md explains each one.
 */
export const registry = new Registry();

let initialised = false;

/** Labels every series with the service's name and adds process metrics. Safe to call twice. */
export function initMetrics(service: string): void {
  if (initialised) return;
  initialised = true;
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
}

/** Prometheus text exposition of every metric, queue depth sampled now. */
export function renderMetrics(): Promise<string> {
  return registry.metrics();
}

export const METRICS_CONTENT_TYPE = registry.contentType;

const jobs = new Counter({
  name: "shopsniffer_jobs_total",
  help: "Jobs that reached a final state, by outcome (completed, errored)",
  labelNames: ["outcome"],
  registers: [registry],
});

const stageDuration = new Histogram({
  name: "shopsniffer_stage_duration_seconds",
  help: "Time one stage attempt took, by stage and outcome (ok, error)",
  labelNames: ["stage", "outcome"],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
  registers: [registry],
});

const stageRetries = new Counter({
  name: "shopsniffer_stage_retries_total",
  help: "Stage attempts that failed with a retryable error and were handed back with back-off",
  labelNames: ["stage"],
  registers: [registry],
});

const crawlRequests = new Counter({
  name: "shopsniffer_crawl_requests_total",
  help: "HTTP requests to stores, by store host and response status (error: no response)",
  labelNames: ["host", "status"],
  registers: [registry],
});

const notificationAttempts = new Counter({
  name: "shopsniffer_notification_attempts_total",
  help: "Webhook and email delivery attempts, by kind and outcome (delivered, failed)",
  labelNames: ["kind", "outcome"],
  registers: [registry],
});

const wsConnections = new Gauge({
  name: "shopsniffer_websocket_connections",
  help: "Progress WebSocket connections open on this gateway",
  registers: [registry],
});

const httpDuration = new Histogram({
  name: "shopsniffer_http_request_duration_seconds",
  help: "Gateway HTTP requests, by method and status",
  labelNames: ["method", "status"],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  registers: [registry],
});

/** Counts a finished stage attempt; the last stage done means the job completed. */
export function observeStage(stage: Stage, outcome: "ok" | "error", startedMs: number): void {
  stageDuration.observe({ stage, outcome }, (performance.now() - startedMs) / 1000);
  if (outcome === "ok" && nextStage(stage) === null) jobs.inc({ outcome: "completed" });
}

/** Counts a retryable stage failure handed back for another attempt. */
export function countStageRetry(stage: Stage): void {
  stageRetries.inc({ stage });
}

/** Counts a job given up on (`errored`). */
export function countJobErrored(): void {
  jobs.inc({ outcome: "errored" });
}

/** Counts one store request by its status, or as `error` when it fails without an answer. */
export async function countCrawl<T extends Response>(url: URL, request: Promise<T>): Promise<T> {
  const host = url.hostname.toLowerCase();
  try {
    const response = await request;
    crawlRequests.inc({ host, status: response.status });
    return response;
  } catch (error) {
    crawlRequests.inc({ host, status: "error" });
    throw error;
  }
}

/** Counts one notification attempt (`webhook` or `email`). */
export function countNotificationAttempt(kind: string, delivered: boolean): void {
  notificationAttempts.inc({ kind, outcome: delivered ? "delivered" : "failed" });
}

/** +1 when a progress socket opens, -1 when it closes. */
export function trackWebSocket(delta: 1 | -1): void {
  wsConnections.inc(delta);
}

/** Records one gateway HTTP request. */
export function observeHttpRequest(method: string, status: number, durationMs: number): void {
  httpDuration.observe({ method, status }, durationMs / 1000);
}

/** A durable consumer whose backlog is sampled on each scrape. */
interface TrackedQueue {
  jsm: JetStreamManager;
  stream: string;
  consumer: string;
}

const queues = new Map<string, TrackedQueue>();
const SAMPLE_TIMEOUT_MS = 1_000;

/**
 * Samples the backlog of a durable consumer on every scrape: messages waiting to be delivered
 * (`pending`) and delivered but not yet acknowledged (`ack_pending`). Register each consumer
 * the process reads; a consumer NATS cannot describe within a second is left out of the scrape.
 */
export function trackQueue(jsm: JetStreamManager, stream: string, consumer: string): void {
  queues.set(`${stream}/${consumer}`, { jsm, stream, consumer });
}

new Gauge({
  name: "shopsniffer_queue_messages",
  help: "Backlog of a JetStream consumer, sampled at scrape: state is pending or ack_pending",
  labelNames: ["stream", "consumer", "state"],
  registers: [registry],
  async collect() {
    this.reset();
    const samples = await Promise.all([...queues.values()].map(sampleQueue));
    for (const sample of samples) {
      if (!sample) continue;
      const { stream, consumer } = sample.queue;
      this.set({ stream, consumer, state: "pending" }, sample.pending);
      this.set({ stream, consumer, state: "ack_pending" }, sample.ackPending);
    }
  },
});

async function sampleQueue(queue: TrackedQueue) {
  const timeout = Bun.sleep(SAMPLE_TIMEOUT_MS).then(() => null);
  const info = await Promise.race([
    queue.jsm.consumers.info(queue.stream, queue.consumer).catch(() => null),
    timeout,
  ]);
  if (!info) return null;
  return { queue, pending: info.num_pending, ackPending: info.num_ack_pending };
}
