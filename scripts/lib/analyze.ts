/** Client side of one analysis: create the job, follow it live, fetch the result. */

export interface AnalyzeOptions {
  baseUrl: string;
  apiKey: string;
  domain: string;
  webhookUrl?: string;
  /** Called once the job exists, before its progress is followed. */
  onCreated?: (jobId: string) => void;
  /** Called for every WebSocket message, in order. */
  onMessage?: (message: ProgressMessage) => void;
}

export type ProgressMessage = Record<string, unknown> & { type: string };

/** The fields of a job (`GET /api/jobs?id=`) that the summary reads. */
export interface JobSummary {
  id: string;
  domain: string;
  status: string;
  product_count: number;
  collection_count: number;
  page_count: number;
  shop_meta?: {
    shop_name?: string;
    currency?: string;
    theme_name?: string;
    detected_apps?: string[];
  };
  insights?: { currency?: string; price_range?: { min: number; max: number; avg: number } | null };
  downloads?: Record<string, string> | null;
  error?: { step: string; message: string } | null;
  [field: string]: unknown;
}

export interface AnalyzeResult {
  job: JobSummary;
  messages: ProgressMessage[];
  elapsedMs: number;
}

/** Creates a job, streams its progress over WebSocket until it ends, then reads the job. */
export async function analyze(options: AnalyzeOptions): Promise<AnalyzeResult> {
  const started = performance.now();
  const created = await fetch(`${options.baseUrl}/api/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": options.apiKey },
    body: JSON.stringify({
      domain: options.domain,
      ...(options.webhookUrl ? { webhook_url: options.webhookUrl } : {}),
    }),
  });
  const body = (await created.json()) as { job?: { id: string }; error?: string };
  if (!created.ok || !body.job) {
    throw new Error(`job not created (${created.status}): ${body.error ?? "unknown error"}`);
  }
  options.onCreated?.(body.job.id);
  const messages = await followJob(options.baseUrl, body.job.id, options.onMessage);
  const reply = await fetch(`${options.baseUrl}/api/jobs?id=${body.job.id}`);
  const { job } = (await reply.json()) as { job: JobSummary };
  return { job, messages, elapsedMs: Math.round(performance.now() - started) };
}

const RECONNECT_DELAY_MS = 1_000;
const MAX_RECONNECTS = 120;

/**
 * Collects a job's WebSocket messages until its `complete` or `error` message. If the socket
 * drops first (a gateway restarting), it reconnects; the server replays the job's events, and
 * those whose stream `seq` was already seen are skipped.
 */
export async function followJob(
  baseUrl: string,
  jobId: string,
  onMessage?: (message: ProgressMessage) => void,
): Promise<ProgressMessage[]> {
  const url = `${baseUrl.replace(/^http/, "ws")}/api/ws/${jobId}`;
  const messages: ProgressMessage[] = [];
  let lastSeq = 0;
  const receive = (message: ProgressMessage) => {
    const seq = typeof message.seq === "number" ? message.seq : null;
    if (seq !== null && seq <= lastSeq) return;
    lastSeq = seq ?? lastSeq;
    messages.push(message);
    onMessage?.(message);
  };
  for (let reconnects = 0; ; reconnects++) {
    if (await followOnce(url, receive)) return messages;
    if (reconnects >= MAX_RECONNECTS) throw new Error(`lost the progress stream of ${jobId}`);
    await Bun.sleep(RECONNECT_DELAY_MS);
  }
}

/** One connection; resolves true once a final message arrived, false if it dropped first. */
function followOnce(url: string, receive: (message: ProgressMessage) => void): Promise<boolean> {
  return new Promise((resolve) => {
    let ended = false;
    const socket = new WebSocket(url);
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as ProgressMessage;
      ended ||= message.type === "complete" || message.type === "error";
      receive(message);
    });
    socket.addEventListener("close", () => resolve(ended));
    socket.addEventListener("error", () => resolve(ended));
  });
}

/** A one-line progress bar for a terminal: `[#####.....]  42% indexing-products  89 products`. */
export function progressLine(message: ProgressMessage, width = 30): string | null {
  if (message.type !== "status") return null;
  const fraction = Number(message.progress ?? 0);
  const filled = Math.round(fraction * width);
  const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
  const pct = `${Math.round(fraction * 100)}`.padStart(3);
  const { product_count, collection_count, page_count } = message;
  const counts = `${product_count} products, ${collection_count} collections, ${page_count} pages`;
  return `[${bar}] ${pct}% ${String(message.step).padEnd(20)} ${counts}`;
}

/** The closing summary of a finished job, with absolute download links unless told not to. */
export function summarize(baseUrl: string, result: AnalyzeResult, links = true): string {
  const { job } = result;
  const meta = job.shop_meta ?? {};
  const apps = (meta.detected_apps ?? []).join(", ") || "none detected";
  const name = meta.shop_name ?? "unknown name";
  const currency = meta.currency ?? "unknown currency";
  const lines = [
    `Job ${job.id}: ${job.status} in ${(result.elapsedMs / 1000).toFixed(1)} s`,
    `Store: ${job.domain} (${name}, ${currency})`,
    `Theme: ${meta.theme_name ?? "unknown"}; apps: ${apps}`,
    `Indexed: ${job.product_count} products, ${job.collection_count} collections, ` +
      `${job.page_count} pages`,
  ];
  if (job.insights?.price_range) {
    const r = job.insights.price_range;
    lines.push(
      `Prices: min ${r.min}, max ${r.max}, avg ${r.avg} ${job.insights.currency ?? ""}`.trim(),
    );
  }
  if (job.error) lines.push(`Error at ${job.error.step}: ${job.error.message}`);
  for (const key of links ? Object.values(job.downloads ?? {}) : []) {
    lines.push(`Download: ${baseUrl}/api/downloads?jobId=${job.id}&key=${key}`);
  }
  return lines.join("\n");
}
