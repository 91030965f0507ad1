import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@shopsniffer/shared/db/client";
import { apiKeys } from "@shopsniffer/shared/db/schema";
import { isoNow } from "@shopsniffer/shared/time";

const KEY_PREFIX = "ss_live_";
const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A newly minted key: `key` is the raw secret, shown once and never stored. */
export interface CreatedKey {
  id: string;
  key: string;
  name: string;
  prefix: string;
}

/** Creates an API key (`ss_live_` + 32 lowercase alphanumerics), storing only its SHA-256. */
export async function createApiKey(handle: Db, name: string, userId: string | null = null) {
  const key = `${KEY_PREFIX}${randomString(32)}`;
  const created: CreatedKey = {
    id: `key_${randomString(12)}`,
    key,
    name,
    prefix: `${key.slice(0, 12)}…`,
  };
  await handle.write((db) =>
    db.insert(apiKeys).values({
      id: created.id,
      name,
      keyHash: sha256(key),
      prefix: created.prefix,
      userId,
      createdAt: isoNow(),
    }),
  );
  return created;
}

/** The active key matching a raw `X-API-Key` value, or null. Revoked keys never match. */
export async function findActiveKey(handle: Db, rawKey: string) {
  if (!rawKey.startsWith("ss_") || rawKey.length > 200) return null;
  const row = await handle.db.query.apiKeys.findFirst({
    where: and(eq(apiKeys.keyHash, sha256(rawKey)), isNull(apiKeys.revokedAt)),
  });
  return row ?? null;
}

/** A user's keys, newest first, masked: only the prefix is shown. Revoked keys stay listed. */
export async function listApiKeys(handle: Db, userId: string) {
  const rows = await handle.db.query.apiKeys.findMany({
    where: eq(apiKeys.userId, userId),
    // rowid breaks ties between keys created within the same second.
    orderBy: [desc(apiKeys.createdAt), desc(sql`rowid`)],
  });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    created_at: row.createdAt,
    revoked: row.revokedAt !== null,
  }));
}

/**
 * Revokes one of `userId`'s keys; the next request with it is a 401. False when the user has
 * no key with that id. Revoking a revoked key again succeeds and keeps the first time.
 */
export async function revokeApiKey(handle: Db, userId: string, id: string): Promise<boolean> {
  const owned = and(eq(apiKeys.id, id), eq(apiKeys.userId, userId));
  const found = await handle.db.query.apiKeys.findFirst({ where: owned });
  if (!found) return false;
  await handle.write((db) =>
    db
      .update(apiKeys)
      .set({ revokedAt: isoNow() })
      .where(and(owned, isNull(apiKeys.revokedAt))),
  );
  return true;
}

export function sha256(value: string): string {
  return new Bun.CryptoHasher("sha256").update(value).digest("hex");
}

function randomString(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join("");
}
