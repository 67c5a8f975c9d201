// Dense search over the user's history at 100k items within a small memory budget. Each vector is kept twice,
// compactly: a sign-bit signature (dim bits) for a fast Hamming pre-filter over everything, and int8 codes with a
// per-vector scale for re-ranking the pre-filter's candidates against the float query. At 100k × 384 that is
// 4.8 MB + 38.4 MB + 0.4 MB, where the Float32 vectors themselves would take 154 MB. The hot loops (Hamming distances
// with their histogram, candidate collection, int8 dot products) run as WebAssembly SIMD kernels over arrays kept in
// the kernels' own memory, with a plain-JavaScript fallback giving identical results (see kernels/dense-kernels.ts).
import { InvalidInputError } from './errors';
import { DenseArena, type KernelKind, type KernelPreference } from './kernels/dense-kernels';

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

export interface VectorIndexOptions {
  /**
   * Which kernels run the search: 'auto' (default) takes WebAssembly SIMD where the runtime validates it and plain
   * JavaScript otherwise; 'js' forces the fallback; 'wasm-simd' requires SIMD (throws without it). Both give the
   * same results: every kernel is integer-exact.
   */
  kernel?: KernelPreference;
  /**
   * Keep full-precision copies for the exact re-rank while they fit in this many bytes (default 16 MiB: 40k × 100
   * or 10k × 384), so a typical history gets exact results from memory; past it they are dropped for good and
   * int8 scores are final unless a search brings its own `exact` source. 0 turns them off.
   */
  exactBudgetBytes?: number;
}

const DEFAULT_EXACT_BUDGET = 16 * 2 ** 20;

export class VectorIndex {
  readonly words: number;
  #count = 0;
  #deleted = 0;
  #ids: (string | undefined)[] = [];
  #slots = new Map<string, number>();
  readonly #arena: DenseArena;
  #exact: Map<string, Float32Array> | undefined;
  readonly #exactBudget: number;

  constructor(
    readonly dim: number,
    capacity = 1_024,
    options: VectorIndexOptions = {},
  ) {
    if (!Number.isInteger(dim) || dim < 1) throw new InvalidInputError('dim', 'must be a positive whole number');
    // Distances are stored as Uint16 and the largest is dim + 1 (excluded).
    if (dim > 65_000) throw new InvalidInputError('dim', 'must be at most 65,000');
    this.words = Math.ceil(dim / 32);
    this.#arena = new DenseArena(dim, Math.max(1, capacity), options.kernel ?? 'auto');
    this.#exactBudget = options.exactBudgetBytes ?? DEFAULT_EXACT_BUDGET;
    if (this.#exactBudget > 0) this.#exact = new Map();
  }

  /** Whether searches re-rank exactly from the index's own full-precision copies. */
  get exact(): boolean {
    return this.#exact !== undefined;
  }

  /** Live vectors. */
  get size(): number {
    return this.#count - this.#deleted;
  }

  /** Which kernels this index runs: WebAssembly SIMD, or the JavaScript fallback. */
  get kernel(): KernelKind {
    return this.#arena.kind;
  }

  /**
   * Bytes held by the index's arrays (ids excluded), for the memory budget: the whole buffer they live in, with
   * rows padded to 16 bytes, per-query scratch (distances, candidates, dot products) and, for WebAssembly, whole
   * 64 KiB pages.
   */
  get bytes(): number {
    return this.#arena.byteLength + (this.#exact ? this.#exact.size * this.dim * 4 : 0);
  }

  has(id: string): boolean {
    return this.#slots.has(id);
  }

  /** Adds vectors (ids.length × dim floats, any norm; stored normalised). An id already present is replaced. */
  addMany(ids: readonly string[], vectors: Float32Array): void {
    if (vectors.length !== ids.length * this.dim) {
      throw new InvalidInputError('vectors', `holds ${vectors.length} floats; ${ids.length} × ${this.dim} expected`);
    }
    // A NaN would score 0 against everything and corrupt the int8 scale; refuse it at the door.
    if (!vectors.every(Number.isFinite)) throw new InvalidInputError('vectors', 'must hold finite numbers only');
    this.#reserve(this.#count + ids.length);
    if (this.#exact && (this.#exact.size + ids.length) * this.dim * 4 > this.#exactBudget) this.#exact = undefined;
    ids.forEach((id, i) => {
      this.remove(id);
      const vector = vectors.subarray(i * this.dim, (i + 1) * this.dim);
      this.#write(this.#count, id, vector);
      this.#exact?.set(id, vector.slice());
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
    this.#exact?.delete(id);
    this.#arena.live[slot] = 0;
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
    const { codes, scales, codeStride } = this.#arena;
    let dot = 0;
    for (let d = 0, pa = sa * codeStride, pb = sb * codeStride; d < this.dim; d++) dot += (codes[pa + d] as number) * (codes[pb + d] as number);
    return dot * (scales[sa] as number) * (scales[sb] as number);
  }

  /** The decoded (normalised) vector of an item, or undefined. */
  vectorOf(id: string): Float32Array | undefined {
    const slot = this.#slots.get(id);
    if (slot === undefined) return undefined;
    const { codes, scales, codeStride } = this.#arena;
    const scale = scales[slot] as number;
    return Float32Array.from(codes.subarray(slot * codeStride, slot * codeStride + this.dim), (c) => c * scale);
  }

  search(query: Float32Array, options: VectorSearchOptions): VectorHit[] {
    if (query.length !== this.dim) throw new InvalidInputError('query', `has ${query.length} dimensions; the index has ${this.dim}`);
    const limit = options.limit;
    if (limit < 1 || this.size === 0) return [];
    const q = normalised(query);
    const found = this.#prefilter(q, Math.max(limit, options.candidates ?? Math.max(64 * limit, Math.ceil(this.size / 50))), options.filter);
    const own = this.#exact;
    const exact = options.exact ?? (own ? (id: string) => own.get(id) : undefined);
    if (!exact) return this.#rerank(q, found, limit);
    return this.#rerank(q, found, Math.max(limit, options.rerank ?? Math.max(5 * limit, 50)))
      .map((hit) => {
        const vector = exact(hit.id);
        return vector ? { id: hit.id, score: cosine(q, vector) } : hit;
      })
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
      .slice(0, limit);
  }

  /** Rewrites the arrays without tombstoned slots. */
  compact(): void {
    const { codes, signs, scales, live, codeStride, signStride } = this.#arena;
    let to = 0;
    for (let from = 0; from < this.#count; from++) {
      if (!live[from]) continue;
      if (from !== to) {
        codes.copyWithin(to * codeStride, from * codeStride, (from + 1) * codeStride);
        signs.copyWithin(to * signStride, from * signStride, (from + 1) * signStride);
        scales[to] = scales[from] as number;
        const id = this.#ids[from] as string;
        this.#ids[to] = id;
        this.#slots.set(id, to);
        live[to] = 1;
      }
      to++;
    }
    live.fill(0, to, this.#count);
    this.#ids.length = to;
    this.#count = to;
    this.#deleted = 0;
  }

  #write(slot: number, id: string, vector: Float32Array): void {
    const v = normalised(vector);
    let max = 0;
    for (const x of v) max = Math.max(max, Math.abs(x));
    const scale = max > 0 ? max / 127 : 1;
    const { codes, signs, codeStride, signStride } = this.#arena;
    const base = slot * codeStride;
    const row = slot * signStride;
    codes.fill(0, base, base + codeStride);
    signs.fill(0, row, row + signStride);
    for (let d = 0; d < this.dim; d++) {
      const x = v[d] as number;
      codes[base + d] = Math.round(x / scale);
      if (x > 0) signs[row + (d >>> 5)] = ((signs[row + (d >>> 5)] as number) | (1 << (d & 31))) >>> 0;
    }
    this.#arena.scales[slot] = scale;
    this.#arena.live[slot] = 1;
    this.#ids[slot] = id;
    this.#slots.set(id, slot);
  }

  /**
   * Hamming distance from the query's sign bits to every live, allowed slot, counted into a histogram in the same
   * pass, then a cutoff from the histogram (distances lie in 0..dim) to keep the nearest `wanted` without sorting
   * 100k numbers. Returns how many candidate slots the arena's `candidates` now holds, in slot order.
   */
  #prefilter(q: Float32Array, wanted: number, filter?: (id: string) => boolean): number {
    const arena = this.#arena;
    const querySigns = arena.querySigns;
    querySigns.fill(0);
    for (let d = 0; d < this.dim; d++) if ((q[d] as number) > 0) querySigns[d >>> 5] = ((querySigns[d >>> 5] as number) | (1 << (d & 31))) >>> 0;
    const count = this.#count;
    const excluded = this.dim + 1;
    arena.hamming(count, excluded);
    const { distances, histogram } = arena;
    if (filter) {
      const ids = this.#ids;
      for (let slot = 0; slot < count; slot++) {
        const distance = distances[slot] as number;
        if (distance === excluded || filter(ids[slot] as string)) continue;
        histogram[distance] = (histogram[distance] as number) - 1;
        distances[slot] = excluded;
      }
    }
    // The smallest distance that reaches `wanted` (or the largest, when fewer are allowed): everything nearer is
    // taken, and at the cutoff only enough to reach `wanted`. Excluded slots sit beyond any cutoff.
    let cutoff = 0;
    let taken = 0;
    while (cutoff < this.dim && taken + (histogram[cutoff] as number) < wanted) taken += histogram[cutoff++] as number;
    const atCutoff = Math.min(histogram[cutoff] as number, wanted - taken);
    return arena.collect(count, cutoff, atCutoff, taken + atCutoff);
  }

  /**
   * Scores the first `n` candidates from their int8 codes against the query quantized to int16 (its own error is
   * ~1e-5, far under the codes' ~1e-3) and keeps the best `limit`.
   */
  #rerank(q: Float32Array, n: number, limit: number): VectorHit[] {
    const arena = this.#arena;
    const query = arena.query;
    let max = 0;
    for (let d = 0; d < this.dim; d++) max = Math.max(max, Math.abs(q[d] as number));
    const multiplier = max > 0 ? arena.queryMax / max : 1;
    for (let d = 0; d < this.dim; d++) query[d] = Math.round((q[d] as number) * multiplier);
    arena.dot(n);
    const { candidates, dots, scales } = arena;
    const inverse = 1 / multiplier;
    // The best `limit` so far, best first. Equal scores rank by id, as in the keyword index, so an index built
    // live and one reloaded from the store (other insertion order) answer alike.
    const ids = this.#ids;
    const ranksAbove = (score: number, slot: number, other: number, otherSlot: number) =>
      score > other || (score === other && (ids[slot] as string) < (ids[otherSlot] as string));
    const keep = Math.min(limit, n);
    const topSlots = new Int32Array(keep);
    const topScores = new Float64Array(keep);
    let size = 0;
    for (let i = 0; i < n; i++) {
      const slot = candidates[i] as number;
      const score = (dots[i] as number) * (scales[slot] as number) * inverse;
      if (size === keep && !ranksAbove(score, slot, topScores[keep - 1] as number, topSlots[keep - 1] as number)) continue;
      let j = size < keep ? size++ : keep - 1;
      while (j > 0 && ranksAbove(score, slot, topScores[j - 1] as number, topSlots[j - 1] as number)) {
        topScores[j] = topScores[j - 1] as number;
        topSlots[j] = topSlots[j - 1] as number;
        j--;
      }
      topScores[j] = score;
      topSlots[j] = slot;
    }
    return Array.from(topSlots.subarray(0, size), (slot, i) => ({ id: ids[slot] as string, score: topScores[i] as number }));
  }

  #reserve(needed: number): void {
    const capacity = this.#arena.capacity;
    if (needed <= capacity) return;
    this.#arena.reserve(Math.max(needed, Math.ceil(capacity * GROWTH)));
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
