import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import * as schema from "./schema.ts";

export type Database = LibSQLDatabase<typeof schema>;

/** A database handle plus an in-process write queue (see `write`). */
export interface Db {
  db: Database;
  client: Client;
  /**
   * Runs `fn` after every earlier write of this process has finished. libSQL's pooled
   * connections block each other when one process runs writes concurrently, so every write and
   * every transaction goes through here.
   */
  write<T>(fn: (db: Database) => Promise<T>): Promise<T>;
  close(): void;
}

const BUSY_TIMEOUT_MS = 10_000;
const MIGRATIONS_DIR = new URL("../../drizzle", import.meta.url).pathname;

/** Opens the database at `url` (`file:` path or libSQL server URL); WAL for embedded files. */
export async function openDb(url: string, authToken?: string): Promise<Db> {
  if (url.startsWith("file:")) mkdirSync(dirname(url.slice("file:".length)), { recursive: true });
  const client = createClient({ url, authToken, timeout: BUSY_TIMEOUT_MS });
  if (url.startsWith("file:")) await client.execute("PRAGMA journal_mode=WAL");
  const db = drizzle(client, { schema });
  let tail: Promise<unknown> = Promise.resolve();
  return {
    db,
    client,
    write(fn) {
      const run = tail.then(
        () => fn(db),
        () => fn(db),
      );
      tail = run.catch(() => undefined);
      return run;
    },
    close: () => client.close(),
  };
}

/**
 * Applies the drizzle migrations. Idempotent; when two processes race, the loser's batch fails
 * on an existing table and the retry finds the migration recorded.
 */
export async function migrateDb(handle: Db, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await handle.write((db) => migrate(db, { migrationsFolder: MIGRATIONS_DIR }));
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await Bun.sleep(200 * attempt);
    }
  }
}
