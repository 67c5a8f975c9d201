// The k best items of a stream in O(n log k) time and O(k) memory: a bounded min-heap whose root is the worst item
// kept, so a candidate that cannot make the cut is rejected with one comparison. Shared by keyword search, vector
// search and ranking, which all ask "the best 10 of 100k" and must not sort 100k scores to answer it.

/** Negative when `a` ranks below `b`, positive when above, 0 when equal. Make it total (break ties) for determinism. */
export type RankOrder<T> = (a: T, b: T) => number;

export class TopK<T> {
  readonly #heap: T[] = [];

  constructor(
    readonly capacity: number,
    private readonly order: RankOrder<T>,
  ) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be a whole number ≥ 0, got ${capacity}`);
  }

  get size(): number {
    return this.#heap.length;
  }

  /** The worst item kept; undefined while empty. Once full, a candidate must rank above it to get in. */
  peekWorst(): T | undefined {
    return this.#heap[0];
  }

  /** Offers a candidate; returns whether it was kept. */
  push(item: T): boolean {
    const heap = this.#heap;
    if (heap.length < this.capacity) {
      heap.push(item);
      this.#siftUp(heap.length - 1);
      return true;
    }
    const worst = heap[0];
    if (worst === undefined || this.order(item, worst) <= 0) return false;
    heap[0] = item;
    this.#siftDown(0);
    return true;
  }

  /** The kept items best first; the heap is left empty so the instance can be reused. */
  drain(): T[] {
    const sorted = this.#heap.splice(0, this.#heap.length);
    return sorted.sort((a, b) => this.order(b, a));
  }

  clear(): void {
    this.#heap.length = 0;
  }

  #siftUp(at: number): void {
    const heap = this.#heap;
    const item = heap[at] as T;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = heap[parentAt] as T;
      if (this.order(item, parent) >= 0) break;
      heap[at] = parent;
      at = parentAt;
    }
    heap[at] = item;
  }

  #siftDown(at: number): void {
    const heap = this.#heap;
    const item = heap[at] as T;
    const half = heap.length >> 1;
    while (at < half) {
      let childAt = 2 * at + 1;
      let child = heap[childAt] as T;
      const rightAt = childAt + 1;
      if (rightAt < heap.length && this.order(heap[rightAt] as T, child) < 0) {
        childAt = rightAt;
        child = heap[rightAt] as T;
      }
      if (this.order(child, item) >= 0) break;
      heap[at] = child;
      at = childAt;
    }
    heap[at] = item;
  }
}

/**
 * Writes into `out` the `out.length` positions of `tied[0..count)` whose items have the smallest ids, in no
 * particular order: how a search fills its last places from the items tied at its bar. A bounded max-heap by id,
 * whose root (the largest id kept) turns most later candidates away with one comparison.
 */
export function smallestIds<A extends Uint32Array | Int32Array>(tied: A, count: number, out: A, idOf: (position: number) => string): void {
  const wanted = out.length;
  if (count === wanted) {
    out.set(tied.subarray(0, count));
    return;
  }
  let size = 0;
  for (let i = 0; i < count; i++) {
    const position = tied[i] as number;
    const id = idOf(position);
    if (size < wanted) {
      let at = size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (idOf(out[parent] as number) >= id) break;
        out[at] = out[parent] as number;
        at = parent;
      }
      out[at] = position;
      continue;
    }
    if (id >= idOf(out[0] as number)) continue;
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= wanted) break;
      if (child + 1 < wanted && idOf(out[child + 1] as number) > idOf(out[child] as number)) child++;
      if (idOf(out[child] as number) <= id) break;
      out[at] = out[child] as number;
      at = child;
    }
    out[at] = position;
  }
}
