import { parse } from "csv-parse/sync";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Downloads one export of a job and parses it, returning a one-line account such as
 * `products.csv: 412 rows for 60 products, 98,304 bytes`. Throws when the file does not parse.
 */
export async function checkDownload(baseUrl: string, jobId: string, key: string) {
  const res = await fetch(`${baseUrl}/api/downloads?jobId=${jobId}&key=${key}`);
  if (!res.ok) throw new Error(`${key}: HTTP ${res.status}`);
  const data = new Uint8Array(await res.arrayBuffer());
  const bytes = data.byteLength.toLocaleString("en");
  if (key.endsWith(".png")) {
    if (!PNG_SIGNATURE.every((byte, i) => data[i] === byte)) throw new Error(`${key}: not a PNG`);
    return `${key}: PNG image, ${bytes} bytes`;
  }
  const text = new TextDecoder().decode(data);
  if (key.endsWith(".csv")) {
    const rows: Array<Record<string, string>> = parse(text, { columns: true });
    const products = new Set(rows.map((r) => r.Handle)).size;
    return `${key}: ${rows.length} rows for ${products} products, ${bytes} bytes`;
  }
  const items: unknown = JSON.parse(text);
  const count = Array.isArray(items) ? items.length : 0;
  return `${key}: ${count} items, ${bytes} bytes`;
}
