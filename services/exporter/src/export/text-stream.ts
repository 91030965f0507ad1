/**
 * A UTF-8 byte stream pulled from an async source of text: each chunk is produced only when
 * the consumer (the storage writer) asks for it, so memory holds one chunk at a time.
 */
export function textStream(source: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** A JSON array written item by item: `[`, the items separated by commas, `]`. */
export async function* jsonArrayText(items: AsyncIterable<unknown[]>): AsyncGenerator<string> {
  let first = true;
  yield "[";
  for await (const chunk of items) {
    if (chunk.length === 0) continue;
    const text = chunk.map((item) => JSON.stringify(item)).join(",");
    yield first ? text : `,${text}`;
    first = false;
  }
  yield "]";
}
