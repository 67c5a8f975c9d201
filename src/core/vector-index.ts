// Dense search over the user's history at 100k items within a small memory budget. Each vector is kept twice,
// compactly: a sign-bit signature (dim bits) for a fast Hamming pre-filter over everything, and int8 codes with a
// per-vector scale for re-ranking the pre-filter's candidates against the float query. At 100k × 384 that is
// 4.8 MB + 38.4 MB + 0.4 MB, where the Float32 vectors themselves would take 154 MB.
import { InvalidInputError } from './errors';

export interface VectorHit {
  id: string;
  /** Cosine similarity estimated from the int8 codes (within ~1e-3 of the exact value). */
  score: number;
}

export interface VectorSearchOptions {
  limit: number;
  /** Only slots for which this returns true are considered (kind, source, time filters). */
  filter?: (id: string) => boolean;
  /**
   * How many pre-filter candidates to re-rank; more is slower and closer to exact. Default: max(64 × limit, 2% of
   * the index): with an exact source, recall@10 = 1.0 against exact search on clustered 100k × 384 data.
   */
  candidates?: number;
  /**
   * Full-precision vectors for the final re-rank, read by id (e.g. from a file on disk): int8 scores are within
   * ~1e-3 of exact, and in a dense cluster the 10th and 11th items can be closer than that. With this source the
   * top `rerank` int8 hits are re-scored exactly; without it, int8 scores are final.
   */
  exact?: (id: string) => Float32Array | undefined;
  /** How many int8 hits the exact source re-scores. Default: max(5 × limit, 50). */
  rerank?: number;
}

const GROWTH = 1.5;

export class VectorIndex {
  readonly words: number;
  #capacity: number;
  #count = 0;
  #deleted = 0;
  #ids: (string | undefined)[] = [];
  #slots = new Map<string, number>();
  #codes: Int8Array;
  #scales: Float32Array;
  #signs: Uint32Array;
  #live: Uint8Array;

  constructor(
    readonly dim: number,
    capacity = 1_024,
  ) {
    if (!Number.isInteger(dim) || dim < 1) throw new InvalidInputError('dim', 'must be a positive whole number');
    this.words = Math.ceil(dim / 32);
    this.#capacity = Math.max(1, capacity);
    this.#codes = new Int8Array(this.#capacity * dim);
    this.#scales = new Float32Array(this.#capacity);
    this.#signs = new Uint32Array(this.#capacity * this.words);
    this.#live = new Uint8Array(this.#capacity);
  }

  /** Live vectors. */
  get size(): number {
    return this.#count - this.#deleted;
  }

  /** Bytes held by the index's arrays (ids excluded), for the memory budget. */
  get bytes(): number {
    return this.#codes.byteLength + this.#scales.byteLength + this.#signs.byteLength + this.#live.byteLength;
  }

  has(id: string): boolean {
    return this.#slots.has(id);
  }

  /** Adds vectors (ids.length × dim floats, any norm; stored normalised). An id already present is replaced. */
  addMany(ids: readonly string[], vectors: Float32Array): void {
    if (vectors.length !== ids.length * this.dim) {
      throw new InvalidInputError('vectors', `holds ${vectors.length} floats; ${ids.length} × ${this.dim} expected`);
    }
    this.#reserve(this.#count + ids.length);
    ids.forEach((id, i) => {
      this.remove(id);
      this.#write(this.#count, id, vectors.subarray(i * this.dim, (i + 1) * this.dim));
      this.#count++;
    });
  }

  add(id: string, vector: Float32Array): void {
    this.addMany([id], vector);
  }

  remove(id: string): boolean {
    const slot = this.#slots.get(id);
    if (slot === undefined) return false;
    this.#slots.delete(id);
    this.#live[slot] = 0;
    this.#ids[slot] = undefined;
    this.#deleted++;
    // Tombstoned slots still cost a Hamming distance per query: rebuild once they are a quarter of the index.
    if (this.#deleted > 1_024 && this.#deleted * 4 > this.#count) this.compact();
    return true;
  }

  /** Cosine similarity of two stored items, from their codes (for MMR diversification). */
  similarity(a: string, b: string): number {
    const sa = this.#slots.get(a);
    const sb = this.#slots.get(b);
    if (sa === undefined || sb === undefined) return 0;
    const codes = this.#codes;
    let dot = 0;
    for (let d = 0, pa = sa * this.dim, pb = sb * this.dim; d < this.dim; d++) dot += (codes[pa + d] as number) * (codes[pb + d] as number);
    return dot * (this.#scales[sa] as number) * (this.#scales[sb] as number);
  }

  /** The decoded (normalised) vector of an item, or undefined. */
  vectorOf(id: string): Float32Array | undefined {
    const slot = this.#slots.get(id);
    if (slot === undefined) return undefined;
    const scale = this.#scales[slot] as number;
    return Float32Array.from(this.#codes.subarray(slot * this.dim, (slot + 1) * this.dim), (c) => c * scale);
  }

  search(query: Float32Array, options: VectorSearchOptions): VectorHit[] {
    if (query.length !== this.dim) throw new InvalidInputError('query', `has ${query.length} dimensions; the index has ${this.dim}`);
    const limit = options.limit;
    if (limit < 1 || this.size === 0) return [];
    const q = normalised(query);
    const candidates = this.#prefilter(q, Math.max(limit, options.candidates ?? Math.max(64 * limit, Math.ceil(this.size / 50))), options.filter);
    if (!options.exact) return this.#rerank(q, candidates, limit);
    const exact = options.exact;
    return this.#rerank(q, candidates, Math.max(limit, options.rerank ?? Math.max(5 * limit, 50)))
      .map((hit) => {
        const vector = exact(hit.id);
        return vector ? { id: hit.id, score: cosine(q, vector) } : hit;
      })
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
      .slice(0, limit);
  }

  /** Rewrites the arrays without tombstoned slots. */
  compact(): void {
    let to = 0;
    for (let from = 0; from < this.#count; from++) {
      if (!this.#live[from]) continue;
      if (from !== to) {
        this.#codes.copyWithin(to * this.dim, from * this.dim, (from + 1) * this.dim);
        this.#signs.copyWithin(to * this.words, from * this.words, (from + 1) * this.words);
        this.#scales[to] = this.#scales[from] as number;
        const id = this.#ids[from] as string;
        this.#ids[to] = id;
        this.#slots.set(id, to);
        this.#live[to] = 1;
      }
      to++;
    }
    this.#live.fill(0, to, this.#count);
    this.#ids.length = to;
    this.#count = to;
    this.#deleted = 0;
  }

  #write(slot: number, id: string, vector: Float32Array): void {
    const v = normalised(vector);
    let max = 0;
    for (const x of v) max = Math.max(max, Math.abs(x));
    const scale = max > 0 ? max / 127 : 1;
    const codes = this.#codes;
    const signs = this.#signs;
    const base = slot * this.dim;
    signs.fill(0, slot * this.words, (slot + 1) * this.words);
    for (let d = 0; d < this.dim; d++) {
      const x = v[d] as number;
      codes[base + d] = Math.round(x / scale);
      if (x > 0) signs[slot * this.words + (d >>> 5)] = ((signs[slot * this.words + (d >>> 5)] as number) | (1 << (d & 31))) >>> 0;
    }
    this.#scales[slot] = scale;
    this.#ids[slot] = id;
    this.#live[slot] = 1;
    this.#slots.set(id, slot);
  }

  /**
   * Hamming distance from the query's sign bits to every live, allowed slot, then a counting sort over the
   * distances (they lie in 0..dim) to keep the nearest `wanted` without sorting 100k numbers.
   */
  #prefilter(q: Float32Array, wanted: number, filter?: (id: string) => boolean): Int32Array {
    const words = this.words;
    const querySigns = new Uint32Array(words);
    for (let d = 0; d < this.dim; d++) if ((q[d] as number) > 0) querySigns[d >>> 5] = ((querySigns[d >>> 5] as number) | (1 << (d & 31))) >>> 0;
    const count = this.#count;
    const distances = new Uint16Array(count);
    const histogram = new Uint32Array(this.dim + 2);
    const signs = this.#signs;
    const live = this.#live;
    const ids = this.#ids;
    const excluded = this.dim + 1;
    for (let slot = 0; slot < count; slot++) {
      if (!live[slot] || (filter && !filter(ids[slot] as string))) {
        distances[slot] = excluded;
        continue;
      }
      let distance = 0;
      for (let w = 0, p = slot * words; w < words; w++, p++) distance += popcount(((signs[p] as number) ^ (querySigns[w] as number)) >>> 0);
      distances[slot] = distance;
      histogram[distance] = (histogram[distance] as number) + 1;
    }
    // The smallest distance that reaches `wanted` (or the largest, when fewer are allowed): everything nearer is
    // taken, and at the cutoff only enough to reach `wanted`. Excluded slots sit beyond any cutoff.
    let cutoff = 0;
    let taken = 0;
    while (cutoff < this.dim && taken + (histogram[cutoff] as number) < wanted) taken += histogram[cutoff++] as number;
    const atCutoff = Math.min(histogram[cutoff] as number, wanted - taken);
    const out = new Int32Array(taken + atCutoff);
    let n = 0;
    let tied = 0;
    for (let slot = 0; slot < count && n < out.length; slot++) {
      const distance = distances[slot] as number;
      if (distance < cutoff || (distance === cutoff && tied++ < atCutoff)) out[n++] = slot;
    }
    return out.subarray(0, n);
  }

  #rerank(q: Float32Array, candidates: Int32Array, limit: number): VectorHit[] {
    const dim = this.dim;
    const codes = this.#codes;
    const best: { slot: number; score: number }[] = [];
    let floor = Number.NEGATIVE_INFINITY;
    for (const slot of candidates) {
      let dot = 0;
      for (let d = 0, p = slot * dim; d < dim; d++, p++) dot += (q[d] as number) * (codes[p] as number);
      const score = dot * (this.#scales[slot] as number);
      if (best.length === limit && score <= floor) continue;
      best.push({ slot, score });
      if (best.length > limit) {
        best.sort((a, b) => b.score - a.score);
        best.length = limit;
      }
      if (best.length === limit) floor = Math.min(...best.map((b) => b.score));
    }
    best.sort((a, b) => b.score - a.score || ((this.#ids[a.slot] ?? '') < (this.#ids[b.slot] ?? '') ? -1 : 1));
    return best.map(({ slot, score }) => ({ id: this.#ids[slot] as string, score }));
  }

  #reserve(needed: number): void {
    if (needed <= this.#capacity) return;
    const capacity = Math.max(needed, Math.ceil(this.#capacity * GROWTH));
    const grow = <T extends Int8Array | Float32Array | Uint32Array | Uint8Array>(old: T, per: number, make: (n: number) => T): T => {
      const next = make(capacity * per);
      next.set(old);
      return next;
    };
    this.#codes = grow(this.#codes, this.dim, (n) => new Int8Array(n));
    this.#scales = grow(this.#scales, 1, (n) => new Float32Array(n));
    this.#signs = grow(this.#signs, this.words, (n) => new Uint32Array(n));
    this.#live = grow(this.#live, 1, (n) => new Uint8Array(n));
    this.#capacity = capacity;
  }
}

/** A unit-length copy (zero stays zero). */
export function normalised(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  return norm > 0 ? vector.map((x) => x / norm) : vector.slice();
}

/** Cosine of a unit query with any vector. */
function cosine(unitQuery: Float32Array, vector: Float32Array): number {
  let dot = 0;
  let norm = 0;
  for (let d = 0; d < vector.length; d++) {
    const x = vector[d] as number;
    dot += x * (unitQuery[d] as number);
    norm += x * x;
  }
  return norm > 0 ? dot / Math.sqrt(norm) : 0;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
