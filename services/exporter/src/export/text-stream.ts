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
