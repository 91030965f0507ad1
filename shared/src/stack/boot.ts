import { join } from "node:path";
import { baseConfigSchema, loadConfig } from "../config.ts";
import { migrateDb, openDb } from "../db/client.ts";
import { type LocalNats, startLocalNats } from "../nats/local-server.ts";
import { assertPortFree, lockDataDir } from "./preflight.ts";
import { waitForGateway } from "./readiness.ts";
import { Supervisor, type SupervisorOptions } from "./supervisor.ts";

/** The whole product on one machine: NATS (unless `NATS_URL` is set), the four services. */
export interface RunningStack {
  gatewayUrl: string;
  env: Record<string, string | undefined>;
  supervisor: Supervisor;
  nats: LocalNats | null;
  stop(): Promise<void>;
}

export interface BootStackOptions {
  env: Record<string, string | undefined>;
  output?: SupervisorOptions["output"];
  onEvent?: (line: string) => void;
  /** Ends a boot still under way (Ctrl-C): what started is stopped and the lock released. */
  signal?: AbortSignal;
}

/**
 * Refuses to start (`StackPreflightError`) when `PORT` is taken or another stack holds
 * `DATA_DIR`. Then starts a `nats-server -js` child when `NATS_URL` is unset (store under
 * `DATA_DIR/nats`, on a free port), applies migrations once, starts the services and waits for
 * the gateway; a gateway that never gets ready fails with its last error line.
 */
export async function bootStack(options: BootStackOptions): Promise<RunningStack> {
  const config = loadConfig(baseConfigSchema, options.env);
  assertPortFree(options.env.LISTEN_HOST || "0.0.0.0", config.PORT);
  const lock = lockDataDir(config.DATA_DIR);
  const nats = options.env.NATS_URL
    ? null
    : await startLocalNats(join(config.DATA_DIR, "nats")).catch((error) => {
        lock.release();
        throw error;
      });
  const env = {
    ...options.env,
    NATS_URL: nats?.url ?? config.NATS_URL,
    DATABASE_URL: config.DATABASE_URL,
    PUBLIC_URL: config.PUBLIC_URL,
  };
  const supervisor = new Supervisor({ env, output: options.output, onEvent: options.onEvent });
  const gatewayUrl = `http://127.0.0.1:${config.PORT}`;
  const stop = async () => {
    try {
      await supervisor.stop();
      await nats?.stop();
    } finally {
      lock.release();
    }
  };
  try {
    const db = await openDb(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
    await migrateDb(db).finally(() => db.close());
    options.signal?.throwIfAborted();
    supervisor.startAll();
    await waitForGateway(gatewayUrl, undefined, options.signal);
  } catch (error) {
    await stop();
    throw withLastError(error, supervisor.lastError("gateway"));
  }
  return { gatewayUrl, env, supervisor, nats, stop };
}

function withLastError(error: unknown, lastError: string | undefined): unknown {
  if (!(error instanceof Error) || !lastError) return error;
  return new Error(`${error.message}; the gateway's last error: ${lastError}`, { cause: error });
}
