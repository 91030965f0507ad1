import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  assertSafeName,
  type FileBody,
  type FileStorage,
  type StoredEntry,
  chunksOf,
} from "./file-storage.ts";

const TEMP_PREFIX = ".tmp-";
const TYPE_SUFFIX = ".content-type";
/**
 * A temporary file untouched this long belongs to a write whose process died (a live write
 * touches its file with every chunk), and is removed. A source that stalls this long loses its
 * write.
 */
export const STALE_TEMP_MS = 60 * 60 * 1000;
/** When this process last swept each storage root for stale temporary files. */
const lastSweepAt = new Map<string, number>();

/**
 * Files in a directory: `<root>/<jobId>/<key>`, the content type beside each in
 * `<key>.content-type`. A file is written under a temporary name in the same folder and then
 * renamed, so readers never see half a file. Gateway replicas and the exporter must mount the
 * same directory (one `DATA_DIR` on a shared volume) for downloads to work on every replica.
 * A process killed mid-write leaves its temporary file behind: the first `put` of a process,
 * and one an hour after that, removes in the background those untouched for `STALE_TEMP_MS`
 * (not all of them: another process sharing the folder may be writing).
 */
export function dirStorage(root: string): FileStorage {
  const pathOf = (jobId: string, key: string) => {
    assertSafeName(jobId);
    assertSafeName(key);
    return join(root, jobId, key);
  };
  return {
    async put(jobId, key, body, contentType) {
      const path = pathOf(jobId, key);
      sweepNowAndThen(root);
      await mkdir(join(root, jobId), { recursive: true });
      const temp = join(root, jobId, `${TEMP_PREFIX}${crypto.randomUUID()}`);
      try {
        const size = await writeStream(temp, body);
        await writeFile(`${path}${TYPE_SUFFIX}`, contentType);
        await rename(temp, path);
        return { size };
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
    async get(jobId, key) {
      const path = pathOf(jobId, key);
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) return null;
      const contentType = await Bun.file(`${path}${TYPE_SUFFIX}`)
        .text()
        .catch(() => "application/octet-stream");
      const body = Bun.file(path).stream();
      return { body, size: info.size, contentType, createdAt: info.mtime };
    },
    async delete(jobId) {
      assertSafeName(jobId);
      await rm(join(root, jobId), { recursive: true, force: true });
    },
    list: (olderThan) => listOlder(root, olderThan),
  };
}

/** Streams `body` to `path` chunk by chunk and returns the bytes written. */
async function writeStream(path: string, body: FileBody): Promise<number> {
  const writer = Bun.file(path).writer();
  let size = 0;
  try {
    for await (const chunk of chunksOf(body)) {
      writer.write(chunk);
      size += chunk.byteLength;
      await writer.flush();
    }
  } finally {
    await writer.end();
  }
  return size;
}

/** Starts a background sweep of `root` unless this process started one within the hour. */
function sweepNowAndThen(root: string): void {
  const now = Date.now();
  if (now - (lastSweepAt.get(root) ?? 0) < STALE_TEMP_MS) return;
  lastSweepAt.set(root, now);
  // A sweep that fails (a folder removed under it, a permission) is retried in an hour.
  void removeStaleTemps(root, new Date(now - STALE_TEMP_MS)).catch(() => undefined);
}

/**
 * Removes the temporary files of every job folder under `root` last modified before
 * `olderThan`; returns how many were removed. Finished files are never touched.
 */
export async function removeStaleTemps(root: string, olderThan: Date): Promise<number> {
  let removed = 0;
  for (const jobId of await readdir(root).catch(() => [] as string[])) {
    const names = await readdir(join(root, jobId)).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.startsWith(TEMP_PREFIX))) {
      const path = join(root, jobId, name);
      const info = await stat(path).catch(() => null);
      if (!info?.isFile() || info.mtime >= olderThan) continue;
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}

async function listOlder(root: string, olderThan: Date): Promise<StoredEntry[]> {
  const jobIds = await readdir(root).catch(() => [] as string[]);
  const entries: StoredEntry[] = [];
  for (const jobId of jobIds) {
    const names = await readdir(join(root, jobId)).catch(() => [] as string[]);
    for (const key of names) {
      if (key.startsWith(TEMP_PREFIX) || key.endsWith(TYPE_SUFFIX)) continue;
      const info = await stat(join(root, jobId, key)).catch(() => null);
      if (!info?.isFile() || info.mtime >= olderThan) continue;
      entries.push({ jobId, key, size: info.size, createdAt: info.mtime });
    }
  }
  return entries;
}
