import type { Db } from "../db/client.ts";
import { jobs } from "../db/schema.ts";
import { domainSlug } from "../store/domain.ts";
import { isoNow } from "../time.ts";

/**
 * Stores a job row directly, as a test's starting point: a `processing` job of `shop.example`
 * created now, with `fields` over those defaults (the slug follows the domain). Returns its id.
 */
export async function insertTestJob(
  db: Db,
  fields: Partial<typeof jobs.$inferInsert> = {},
): Promise<string> {
  const now = isoNow();
  const domain = fields.domain ?? "shop.example";
  const row = {
    id: crypto.randomUUID(),
    domain,
    slug: domainSlug(domain),
    status: "processing" as const,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
  await db.write((handle) => handle.insert(jobs).values(row));
  return row.id;
}
