/** A small seeded pseudo-random source: the same seed always yields the same sequence. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list; throws on an empty one. */
  pick<T>(items: readonly T[]): T;
  /** `count` distinct elements in their original order (all of them if count is larger). */
  sample<T>(items: readonly T[], count: number): T[];
}

/** Creates a mulberry32 generator; fast, 32-bit state, good enough for fixtures. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));

  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => {
      const item = items[int(0, items.length - 1)];
      if (item === undefined) throw new Error("pick() needs a non-empty list");
      return item;
    },
    sample: (items, count) => {
      const kept = items.map((item, i) => ({ item, i, key: next() }));
      kept.sort((a, b) => a.key - b.key);
      return kept
        .slice(0, count)
        .sort((a, b) => a.i - b.i)
        .map((entry) => entry.item);
    },
  };
}
