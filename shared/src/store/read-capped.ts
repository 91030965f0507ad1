/**
 * Reads a response body as text, keeping at most `maxBytes` and cancelling the rest unread, so
 * a hostile or broken store cannot make a service buffer an unbounded body.
 */
export async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = maxBytes - bytes;
    text += decoder.decode(value.byteLength > room ? value.subarray(0, room) : value, {
      stream: true,
    });
    bytes += value.byteLength;
    if (bytes >= maxBytes) {
      await reader.cancel();
      break;
    }
  }
  return text + decoder.decode();
}
