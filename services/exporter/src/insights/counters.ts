import Big from "big.js";

/** Adds one to the trimmed `key`'s count; blank keys are not counted. */
export function bump(counts: Map<string, number>, key: string): void {
  const name = key.trim();
  if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
}

/** Entries by count descending, then by name in code-unit order (locale independent). */
export function ranked(counts: Map<string, number>): Array<[string, number]> {
  return [...counts.entries()].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
}

/** `part / whole` as a number rounded half up to 4 decimals (0.8333); 0 when `whole` is 0. */
export function share(part: number, whole: number): number {
  if (whole === 0) return 0;
  return new Big(part).div(whole).round(4, Big.roundHalfUp).toNumber();
}
