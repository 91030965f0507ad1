import { connect, type JetStreamClient, type JetStreamManager, type NatsConnection } from "nats";
import type { z } from "zod";
import { type BaseConfig, baseConfigSchema, loadConfig } from "./config.ts";
import { type NatsNames, natsNames } from "./contracts/subjects.ts";
import { type Db, migrateDb, openDb } from "./db/client.ts";
import { createLogger, type Logger } from "./log.ts";
import { initMetrics } from "./metrics.ts";
import { ensureStreams } from "./nats/streams.ts";

const DRAIN_TIMEOUT_MS = 3_000;

/** Everything a service process owns: its settings, logger, database and NATS handles. */
export interface ServiceContext<C extends BaseConfig = BaseConfig> {
  name: string;
  config: C;
  log: Logger;
  db: Db;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  names: NatsNames;
  close(): Promise<void>;
}

/**
 * Boots a service: parses its config schema (exiting on bad settings), opens the database and
 * applies migrations, connects to NATS and makes sure the streams exist.
 */
export async function bootService<S extends z.ZodObject<z.ZodRawShape>>(
  name: string,
  schema: S = baseConfigSchema as unknown as S,
  env: Record<string, string | undefined> = process.env,
): Promise<ServiceContext<z.infer<S> & BaseConfig>> {
  const config = loadConfig(schema, env);
  const log = createLogger(name, config.LOG_LEVEL);
  initMetrics(name);
  const db = await openDb(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  await migrateDb(db);
  const nc = await connect({
    // A comma-separated list names several servers of a cluster (any one is enough to start).
    servers: config.NATS_URL.split(",").map((url) => url.trim()),
    name: `shopsniffer-${name}`,
    maxReconnectAttempts: -1,
  });
  const jsm = await nc.jetstreamManager();
  const names = natsNames(config.NATS_PREFIX);
  await ensureStreams(jsm, names, config.EVENTS_MAX_AGE_DAYS, config.NATS_STREAM_REPLICAS);
  log.info(
    { nats: redactUrl(config.NATS_URL), database: redactUrl(config.DATABASE_URL) },
    "service ready",
  );
  return {
    name,
    config,
    log,
    db,
    nc,
    js: nc.jetstream(),
    jsm,
    names,
    async close() {
      // Draining needs the server; while it is unreachable, stop waiting after a few seconds.
      await Promise.race([nc.drain().catch(() => undefined), Bun.sleep(DRAIN_TIMEOUT_MS)]);
      if (!nc.isClosed()) await nc.close().catch(() => undefined);
      db.close();
    },
  };
}

/** A URL fit for logs: no user, password or query string (libSQL tokens travel there). */
function redactUrl(url: string): string {
  return url
    .split(",")
    .map((entry) => {
      const one = entry.trim();
      // A relative `file:./data/x.db` is not a URL path: URL parsing would show `/data/x.db`.
      if (one.startsWith("file:")) return one.slice("file:".length).split("?")[0];
      const parsed = URL.parse(one);
      if (!parsed) return "(unparsable URL)";
      return `${parsed.protocol}//${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`;
    })
    .join(",");
}

/** Runs `stop` once on SIGINT or SIGTERM, then exits. */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = async () => {
    if (stopping) return;
    stopping = true;
    await stop().catch(() => undefined);
    process.exit(0);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
}
