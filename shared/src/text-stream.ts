/**
 * A UTF-8 byte stream pulled from an async source of text: each piece is produced only when
 * the consumer (an HTTP client, a storage writer) asks for more, so memory holds one piece at a
 * time. Cancelling the stream ends the source (its `finally` blocks run).
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
