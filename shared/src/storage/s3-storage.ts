import { S3Client } from "bun";
import { assertSafeName, chunksOf, type FileStorage, type StoredEntry } from "./file-storage.ts";

/** Where and how to reach an S3-compatible bucket. */
export interface S3Settings {
  bucket: string;
  /** Key prefix without leading or trailing slash; "" for the bucket's root. */
  prefix: string;
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/**
 * Files in an S3-compatible bucket under `<prefix>/<jobId>/<key>`, written with multipart
 * uploads (an object appears only when its upload completes, so readers never see a part).
 * Tested against s3rver (a local S3 API server); real buckets and MinIO are not.
 */
export function s3Storage(settings: S3Settings): FileStorage {
  const client = new S3Client({
    bucket: settings.bucket,
    endpoint: settings.endpoint,
    region: settings.region,
    accessKeyId: settings.accessKeyId,
    secretAccessKey: settings.secretAccessKey,
  });
  const base = settings.prefix ? `${settings.prefix}/` : "";
  const pathOf = (jobId: string, key: string) => {
    assertSafeName(jobId);
    assertSafeName(key);
    return `${base}${jobId}/${key}`;
  };
  return {
    async put(jobId, key, body, contentType) {
      const writer = client.file(pathOf(jobId, key)).writer({ type: contentType });
      let size = 0;
      try {
        for await (const chunk of chunksOf(body)) {
          await writer.write(chunk);
          size += chunk.byteLength;
        }
      } catch (error) {
        await writer.end(error instanceof Error ? error : new Error(String(error)));
        // Ending with an error does not reliably abort the upload, and a truncated object must
        // never be served as the file: remove whatever was written. The earlier version is
        // lost too; the exporter's retry writes the file again.
        // FIXME: write to a temporary key and copy it over on success to keep the old file.
        await client.delete(pathOf(jobId, key)).catch(() => undefined);
        throw error;
      }
      await writer.end();
      return { size };
    },
    async get(jobId, key) {
      const file = client.file(pathOf(jobId, key));
      const stats = await file.stat().catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      });
      if (!stats) return null;
      const { size, type, lastModified } = stats;
      const contentType = type || "application/octet-stream";
      return { body: file.stream(), size, contentType, createdAt: lastModified };
    },
    async delete(jobId) {
      assertSafeName(jobId);
      for await (const entry of listAll(client, `${base}${jobId}/`)) {
        await client.delete(entry.key);
      }
    },
    async list(olderThan) {
      const found: StoredEntry[] = [];
      for await (const entry of listAll(client, base)) {
        const [jobId, key] = entry.key.slice(base.length).split("/");
        const createdAt = new Date(entry.lastModified ?? 0);
        if (!jobId || !key || createdAt >= olderThan) continue;
        found.push({ jobId, key, size: entry.size ?? 0, createdAt });
      }
      return found;
    },
  };
}

interface ListedObject {
  key: string;
  size?: number;
  lastModified?: string;
}

/** Every object under `prefix`, page by page. */
async function* listAll(client: S3Client, prefix: string): AsyncGenerator<ListedObject> {
  let continuationToken: string | undefined;
  do {
    const page = await client.list({ prefix, continuationToken });
    yield* page.contents ?? [];
    continuationToken = page.isTruncated ? page.nextContinuationToken : undefined;
  } while (continuationToken);
}

/** True for S3's "no such object" answers; any other failure is a real error. */
function isNotFound(error: unknown): boolean {
  const e = error as { code?: string; name?: string; status?: number; message?: string };
  return (
    e?.code === "NoSuchKey" ||
    e?.code === "NotFound" ||
    e?.name === "NoSuchKey" ||
    e?.status === 404 ||
    /not ?found|NoSuchKey|404/i.test(String(e?.message ?? ""))
  );
}
