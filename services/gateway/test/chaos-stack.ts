import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "nats";
import { migrateDb, openDb } from "@shopsniffer/shared/db/client";
import { freePort } from "@shopsniffer/shared/nats/local-server";
import { waitForGateway } from "@shopsniffer/shared/stack/readiness";
import { type ServiceName, Supervisor } from "@shopsniffer/shared/stack/supervisor";
import { startTestSqld, type TestSqld } from "@shopsniffer/shared/testing/sqld";
import { createApiKey } from "../src/auth/api-keys.ts";

/** A `nats-server -js` that can be killed and started again on the same port and store. */
export interface RestartableNats {
  url: string;
  /** SIGKILLs the server (or SIGTERMs with `graceful`), then starts it again after `downMs`. */
  restart(downMs?: number, graceful?: boolean): Promise<void>;
  stop(): Promise<void>;
}

export async function startRestartableNats(storeDir: string): Promise<RestartableNats> {
  const path = Bun.which("nats-server");
  if (!path) throw new Error("nats-server not found: apt-get install nats-server");
  mkdirSync(storeDir, { recursive: true });
  const port = freePort();
  const url = `nats://127.0.0.1:${port}`;
  const spawn = async () => {
    const args = ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", storeDir];
    const proc = Bun.spawn([path, ...args], { stdout: "ignore", stderr: "ignore" });
    await waitForNats(url);
    return proc;
  };
  let proc = await spawn();
  return {
    url,
    async restart(downMs = 1_000, graceful = false) {
      proc.kill(graceful ? "SIGTERM" : "SIGKILL");
      await proc.exited;
      await Bun.sleep(downMs);
      proc = await spawn();
    },
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

async function waitForNats(url: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const nc = await connect({ servers: url, reconnect: false }).catch(() => null);
    if (nc) return nc.close();
    await Bun.sleep(50);
  }
  throw new Error(`nats-server did not start on ${url}`);
}

/** One group of service processes with its own gateway port and log directory. */
export interface Instance {
  name: string;
  supervisor: Supervisor;
  gatewayUrl: string | null;
  logDir: string;
  /** Lines of one service's JSON log, parsed. */
  logLines(service: ServiceName): Array<Record<string, unknown>>;
}

export interface ClusterOptions {
  /** Services per instance, e.g. `[["gateway","crawler","auditor","exporter"],["crawler"]]`. */
  instances: ServiceName[][];
  env: Record<string, string>;
  /** `sqld` runs a libSQL server; `file` an embedded database file shared by the processes. */
  database: "sqld" | "file";
}

/** NATS, a database and several groups of service processes, as a deployment would run. */
export interface Cluster {
  nats: RestartableNats;
  sqld: TestSqld | null;
  env: Record<string, string>;
  dataDir: string;
  instances: Instance[];
  apiKey: string;
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const dataDir = mkdtempSync(join(tmpdir(), "shopsniffer-cluster-"));
  const nats = await startRestartableNats(join(dataDir, "nats"));
  const sqld = options.database === "sqld" ? await startTestSqld() : null;
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    DATABASE_URL: sqld?.url ?? `file:${join(dataDir, "test.db")}`,
    NATS_URL: nats.url,
    LOG_LEVEL: "info",
    STAGE_BACKOFF_MS: "200,400,800",
    LISTEN_HOST: "127.0.0.1",
    // Stacks test robustness; the crawler's shared politeness budget (10 requests a second by
    // default) would make a burst of jobs against one local store take many minutes.
    CRAWLER_EGRESS_RATE: "1000",
    ...options.env,
  };
  const db = await openDb(env.DATABASE_URL ?? "");
  await migrateDb(db);
  const { key } = await createApiKey(db, "cluster");
  db.close();
  const instances = options.instances.map((services, i) =>
    startInstance(env, dataDir, i, services),
  );
  for (const instance of instances) {
    if (instance.gatewayUrl) await waitForGateway(instance.gatewayUrl);
  }
  return {
    nats,
    sqld,
    env,
    dataDir,
    instances,
    apiKey: key,
    async stop() {
      await Promise.all(instances.map((instance) => instance.supervisor.stop()));
      await nats.stop();
      await sqld?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function startInstance(
  baseEnv: Record<string, string>,
  dataDir: string,
  index: number,
  services: ServiceName[],
): Instance {
  const name = String.fromCharCode(97 + index);
  const port = freePort();
  const logDir = join(dataDir, "logs", name);
  const env = { ...process.env, ...baseEnv, PORT: String(port), PUBLIC_URL: url(port) };
  const supervisor = new Supervisor({ env, services, output: { dir: logDir } });
  supervisor.startAll();
  return {
    name,
    supervisor,
    gatewayUrl: services.includes("gateway") ? url(port) : null,
    logDir,
    logLines: (service) => readLog(join(logDir, `${service}.log`)),
  };
}

const url = (port: number) => `http://127.0.0.1:${port}`;

function readLog(path: string): Array<Record<string, unknown>> {
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Creates a job through `gatewayUrl`; returns its id, or throws with the API's answer. */
export async function createJob(
  gatewayUrl: string,
  apiKey: string,
  domain: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await fetch(`${gatewayUrl}/api/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    body: JSON.stringify({ domain, ...extra }),
  });
  const body = (await res.json()) as { job?: { id: string }; error?: string };
  if (res.status !== 201 || !body.job) throw new Error(`job refused ${res.status}: ${body.error}`);
  return body.job.id;
}

/** sha256 of a job's export file `key` (e.g. `products.csv`), fetched through the gateway. */
export async function exportHash(gatewayUrl: string, jobId: string, key: string) {
  const res = await fetch(`${gatewayUrl}/api/downloads?jobId=${jobId}&key=${key}`);
  if (!res.ok) throw new Error(`${key} of ${jobId}: ${res.status}`);
  return new Bun.CryptoHasher("sha256").update(await res.arrayBuffer()).digest("hex");
}
