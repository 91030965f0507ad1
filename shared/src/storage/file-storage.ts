/** What a caller may store: a byte stream (written as it arrives) or bytes already in memory. */
export type FileBody = ReadableStream<Uint8Array> | Uint8Array;

/** One stored file, ready to stream to a client. */
export interface StoredFile {
  body: ReadableStream<Uint8Array>;
  size: number;
  contentType: string;
  createdAt: Date;
}

/** A stored file as `list` reports it. */
export interface StoredEntry {
  jobId: string;
  key: string;
  size: number;
  createdAt: Date;
}

/**
 * Where export files live, by job id and key. Every process that writes or serves files (the
 * exporter and each gateway replica) must open the same storage. Implementations make `put`
 * atomic: a reader sees the previous file or the whole new one, never a part.
 */
export interface FileStorage {
  /** Stores (or replaces) a file and returns its size in bytes. */
  put(jobId: string, key: string, body: FileBody, contentType: string): Promise<{ size: number }>;
  /** The file, or null when it does not exist. */
  get(jobId: string, key: string): Promise<StoredFile | null>;
  /** Removes every file of a job; removing nothing is not an error. */
  delete(jobId: string): Promise<void>;
  /** Every stored file created before `olderThan`. */
  list(olderThan: Date): Promise<StoredEntry[]>;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** Rejects ids and keys that could escape their folder or prefix (`..`, `/`). */
export function assertSafeName(name: string): void {
  if (!SAFE_NAME.test(name) || name.includes("..")) {
    throw new Error(`unsafe storage name: ${JSON.stringify(name)}`);
  }
}

/** The body as a stream, whichever form it came in. */
export function toStream(body: FileBody): ReadableStream<Uint8Array> {
  if (body instanceof ReadableStream) return body;
  return new ReadableStream({
    start(controller) {
      controller.enqueue(body);
      controller.close();
    },
  });
}

/** The chunks of a body, read one at a time (the stream is consumed). */
export async function* chunksOf(body: FileBody): AsyncGenerator<Uint8Array> {
  const reader = toStream(body).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
