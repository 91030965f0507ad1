/** ISO 8601 UTC without milliseconds, the API's timestamp format: `2026-04-12T10:30:00Z`. */
export function isoNow(date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
