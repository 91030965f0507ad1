import { AppError } from "@shopsniffer/shared/errors";

/** Deeper than any request this API takes; deeper values would exhaust the validator's stack. */
const MAX_DEPTH = 32;

/**
 * Reads a JSON request body, refusing more than `maxBytes` (declared or streamed) with 413, and
 * malformed JSON or JSON nested more than `MAX_DEPTH` levels with 400. Never buffers past the
 * limit.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const text = utf8(await readBodyBytes(request, maxBytes));
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError(
      "invalid_input",
      "Malformed JSON body; send JSON with Content-Type: application/json.",
    );
  }
  if (depthOf(value) > MAX_DEPTH) {
    throw new AppError("invalid_input", `JSON body is nested more than ${MAX_DEPTH} levels deep.`);
  }
  return value;
}

/** Nesting depth of a parsed JSON value, walked without recursion; stops once past the limit. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node !== "object") continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DEPTH) break;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * The raw bytes of a request body, refusing more than `maxBytes` with 413: by `Content-Length`
 * before reading, and by counting streamed (chunked) bytes, so nothing past the limit is
 * buffered.
 */
export async function readBodyBytes(
  request: Request,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > maxBytes) {
      // Not awaited: on a copied request (Elysia's `mount` passes one) the stream is a branch
      // of a tee, whose cancel settles only once every branch is cancelled.
      reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks);
}

function utf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("invalid_input", "Request body is not valid UTF-8.");
  }
}

function tooLarge(maxBytes: number): AppError {
  return new AppError("payload_too_large", `Request body exceeds ${maxBytes} bytes.`);
}
