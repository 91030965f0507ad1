/** Benchmarks 4 and 5: the gateway's WebSocket fan-out and its status read throughput. */
import { join } from "node:path";
import { connect } from "nats";
import { analyze } from "../scripts/lib/analyze.ts";
import type { LocalStack } from "../scripts/lib/local-stack.ts";
import { natsNames } from "../shared/src/contracts/subjects.ts";
import { freePort } from "../shared/src/nats/local-server.ts";
import { stopOnInterrupt } from "./interrupt.ts";
import { memoryMb, percentile, pool, startTimedStore, withStack } from "./lib.ts";

const DOMAIN = "tiny.bench.test";

/** A stack serving the tiny store, job limits off; every WebSocket client shares one address. */
function withTinyStack<T>(name: string, fn: (local: LocalStack) => Promise<T>): Promise<T> {
  const store = startTimedStore({ domain: DOMAIN, products: 5 });
  return withStack(name, [[DOMAIN, store]], fn, {
    RATE_LIMIT_ENABLED: "false",
    WS_MAX_PER_CLIENT: "0",
  });
}

/**
 * 4. `subscribers` WebSocket clients (in this process) follow one job; 20 status events are
 * published to NATS 250 ms apart. Latency runs from just before each publish to each client's
 * receipt. The crawler is stopped first, so the job stays pending and only these events flow.
 */
export async function wsFanOut(subscribers = 5_000, events = 20) {
  return withTinyStack("bench-ws", async ({ stack, apiKey }) => {
    stack.supervisor.kill("crawler", "SIGTERM");
    await Bun.sleep(2_000);
    const gatewayPid = stack.supervisor.pid("gateway");
    const rssBefore = memoryMb(gatewayPid, "VmRSS");
    const jobId = await createJob(stack.gatewayUrl, apiKey);
    const url = `${stack.gatewayUrl.replace(/^http/, "ws")}/api/ws/${jobId}`;
    const connectStarted = performance.now();
    const clients = await pool(subscribers, 200, () => openClient(url));
    const connectMs = Math.round(performance.now() - connectStarted);
    const rssConnected = memoryMb(gatewayPid, "VmRSS");

    const nc = await connect({ servers: String(stack.env.NATS_URL) });
    const subject = natsNames(String(stack.env.NATS_PREFIX ?? "shopsniffer")).progress(jobId);
    const sentAt = new Map<number, number>();
    for (let i = 0; i < events; i++) {
      const event = statusEvent(jobId, i);
      const started = performance.now();
      const ack = await nc.jetstream().publish(subject, JSON.stringify(event));
      sentAt.set(ack.seq, started);
      await Bun.sleep(250);
    }
    await waitFor(() => clients.every((c) => [...sentAt.keys()].every((s) => c.received.has(s))));
    const latencies: number[] = [];
    let missing = 0;
    for (const client of clients) {
      for (const [seq, sent] of sentAt) {
        const at = client.received.get(seq);
        if (at === undefined) missing += 1;
        else latencies.push(at - sent);
      }
      client.socket.close();
    }
    await nc.close();
    return {
      subscribers,
      events,
      deliveries: latencies.length,
      missing,
      connect_all_ms: connectMs,
      latency_ms: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
      gateway_rss_mb: { before: rssBefore, connected: rssConnected },
      gateway_peak_rss_mb: memoryMb(gatewayPid),
    };
  });
}

interface Client {
  socket: WebSocket;
  received: Map<number, number>;
}

function openClient(url: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const client: Client = { socket, received: new Map() };
    socket.addEventListener("message", (event) => {
      const { seq } = JSON.parse(String(event.data)) as { seq?: number };
      if (typeof seq === "number") client.received.set(seq, performance.now());
      // Connected once the job's replayed first event has arrived.
      resolve(client);
    });
    socket.addEventListener("error", () => reject(new Error("socket failed")));
  });
}

function statusEvent(jobId: string, i: number) {
  return {
    type: "status",
    status: "pending",
    step: "sitemap",
    progress: 0,
    job_id: jobId,
    product_count: i,
    collection_count: 0,
    page_count: 0,
    at: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
}

/** Polls `done` (a failed check counts as not yet) until it holds or the time-out passes. */
async function waitFor(done: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await Promise.resolve()
        .then(done)
        .catch(() => false)
    )
      return;
    await Bun.sleep(100);
  }
}

async function createJob(gatewayUrl: string, apiKey: string): Promise<string> {
  const res = await fetch(`${gatewayUrl}/api/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    body: JSON.stringify({ domain: DOMAIN }),
  });
  const body = (await res.json()) as { job: { id: string } };
  return body.job.id;
}

/**
 * 5. Requests per second on `GET /api/jobs/:id/status` through the gateway, and through a
 * bare Elysia route doing the same read (bare-status-server.ts, its own process), with
 * `connections` loops in this process, `seconds` per round, alternating `rounds` times. The
 * ratio compares the medians, to damp other load on the machine.
 */
export async function statusThroughput(connections = 32, seconds = 5, rounds = 3) {
  return withTinyStack("bench-status", async ({ stack, apiKey }) => {
    const { job } = await analyze({ baseUrl: stack.gatewayUrl, apiKey, domain: DOMAIN });
    const port = freePort();
    const bare = Bun.spawn([process.execPath, join(import.meta.dir, "bare-status-server.ts")], {
      env: { ...process.env, DATABASE_URL: String(stack.env.DATABASE_URL), PORT: String(port) },
      stdout: "ignore",
      stderr: "inherit",
    });
    const forget = stopOnInterrupt(() => {
      bare.kill();
      return bare.exited;
    });
    try {
      const bareUrl = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${bareUrl}/api/jobs/${job.id}/status`)).ok, 10_000);
      const rps = { gateway: [] as number[], bare: [] as number[] };
      for (let i = 0; i < rounds; i++) {
        rps.gateway.push(await load(`${stack.gatewayUrl}/api/jobs/${job.id}/status`));
        rps.bare.push(await load(`${bareUrl}/api/jobs/${job.id}/status`));
      }
      const median = (xs: number[]) => percentile(xs, 0.5);
      return {
        connections,
        seconds_per_round: seconds,
        gateway_rps: rps.gateway,
        bare_elysia_rps: rps.bare,
        ratio_of_medians: Math.round((median(rps.gateway) / median(rps.bare)) * 1000) / 1000,
      };
    } finally {
      forget();
      bare.kill();
      await bare.exited;
    }
  });

  async function load(url: string): Promise<number> {
    const until = performance.now() + seconds * 1000;
    let ok = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < until) {
          const res = await fetch(url);
          await res.arrayBuffer();
          if (res.ok) ok += 1;
        }
      }),
    );
    return Math.round(ok / seconds);
  }
}
