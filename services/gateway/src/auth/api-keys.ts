import { and, eq, isNull } from "drizzle-orm";
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

export function sha256(value: string): string {
  return new Bun.CryptoHasher("sha256").update(value).digest("hex");
}

function randomString(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join("");
}
