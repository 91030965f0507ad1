/**
 * Product lists whose products are built on demand, for generated stores too large to hold
 * whole (a 100,000-product store built at once takes close to 1 GB). Such a list is a real
 * array to every reader (`length`, indexing, `slice`, `map`, iteration), but only its handles
 * are kept; each product is built again when read, with a small cache of recent ones.
 */

import type { Product } from "./model.ts";

/**
 * Products kept once built, per list: a built product weighs tens of KB, so the cache stays
 * near one page of 250.
 */
const CACHE_SIZE = 300;

/** The handles behind each lazy list, known without building a product. */
const handlesOf = new WeakMap<object, readonly string[]>();

/**
 * A read-only list of `handles.length` products, product `i` built by `build(i)`; the last
 * `cacheSize` products built are kept.
 */
export function lazyProducts(
  handles: readonly string[],
  build: (index: number) => Product,
  cacheSize = CACHE_SIZE,
): readonly Product[] {
  const cache = new Map<number, Product>();
  const at = (index: number): Product => {
    const hit = cache.get(index);
    if (hit) return hit;
    const product = build(index);
    if (cacheSize === 0) return product;
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value ?? index);
    cache.set(index, product);
    return product;
  };
  const list = new Proxy(new Array<Product>(handles.length), {
    get(target, key, receiver) {
      const index = typeof key === "string" ? arrayIndex(key) : null;
      if (index === null) return Reflect.get(target, key, receiver);
      return index < handles.length ? at(index) : undefined;
    },
    has(target, key) {
      const index = typeof key === "string" ? arrayIndex(key) : null;
      return index === null ? Reflect.has(target, key) : index < handles.length;
    },
  });
  handlesOf.set(list, handles);
  return list;
}

/** The handles of a lazy list, or null for an ordinary array (read its products instead). */
export function lazyHandles(list: readonly Product[]): readonly string[] | null {
  return handlesOf.get(list) ?? null;
}

/**
 * The products of the lazy `list` at `positions`, in that order, read from `list` when asked
 * (its cache serves them; the sub-list keeps none).
 */
export function lazySubList(list: readonly Product[], positions: readonly number[]) {
  const handles = lazyHandles(list) ?? [];
  const picked = positions.map((position) => handles[position] ?? "");
  return lazyProducts(picked, (index) => list[positions[index] ?? -1] as Product, 0);
}

/** The handle of each product of any list, lazy or not. */
export function handlesOfList(list: readonly Product[]): readonly string[] {
  return lazyHandles(list) ?? list.map((product) => product.handle);
}

function arrayIndex(key: string): number | null {
  if (key.length === 0 || key.length > 15) return null;
  const code = key.charCodeAt(0);
  if (code < 48 || code > 57 || (key.length > 1 && code === 48)) return null;
  const index = Number(key);
  return Number.isSafeInteger(index) ? index : null;
}
