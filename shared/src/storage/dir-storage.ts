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
 * Files in a directory: `<root>/<jobId>/<key>`, the content type beside each in
 * `<key>.content-type`. A file is written under a temporary name in the same folder and then
 * renamed, so readers never see half a file. Gateway replicas and the exporter must mount the
 * same directory (one `DATA_DIR` on a shared volume) for downloads to work on every replica.
 * FIXME: a process killed mid-write leaves a `.tmp-*` file in the job's folder; it is only
 * removed when the job's files expire and `delete` removes the folder.
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
