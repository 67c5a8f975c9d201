// Dense search over the user's history at 100k items within a small memory budget. Each vector is kept three times,
// compactly: a sign-bit signature (dim bits) for a fast Hamming pre-filter over everything, int8 codes with a
// per-vector scale for re-ranking the pre-filter's candidates against the float query, and 2 bits per component of
// the int8 rounding error, read only for the last few dozen hits, which makes their scores ~4× closer to exact
// (10-bit codes, in effect) without an outside source of full-precision vectors. At 100k × 384 that is
// 4.8 MB + 38.4 MB + 0.4 MB + 9.6 MB, where the Float32 vectors themselves would take 154 MB. The hot loops (Hamming
// distances with their histogram, candidate collection, int8 dot products) run as WebAssembly kernels over arrays
// kept in the kernels' own memory, with a plain-JavaScript fallback giving identical results (see
// kernels/dense-kernels.ts), and so do the re-rank's selection and the refinement's residual sums.
import { InvalidInputError } from './errors';
import { DenseArena, type KernelKind, type KernelPreference } from './kernels/dense-kernels';
import { smallestIds } from './top-k';

export interface VectorHit {
  id: string;
  /**
   * Cosine similarity: exact when re-ranked from full-precision vectors, else estimated from the int8 codes refined
   * by their 2-bit residuals (typically within ~1e-4 of the exact value).
   */
  score: number;
}

export interface VectorSearchOptions {
  limit: number;
  /** Only slots for which this returns true are considered (kind, source, time filters). */
  filter?: (id: string) => boolean;
  /**
   * How many pre-filter candidates to re-rank; more is slower and closer to exact. Default: max(2% of the index,
   * 64 × min(limit, 10), 16 × limit). On clustered 100k × 384 data the nearest 2% by Hamming distance hold the exact
   * top 10 (recall@10 = 1.0 with an exact source) and 99.3% of the exact top 50; 64 × limit (3,200 for a hybrid
   * query's 50) found no more there while reading 60% more rows.
   */
  candidates?: number;
  /**
   * Full-precision vectors for the final re-rank, read by id (e.g. from a file on disk). With this source (or the
   * index's own copies, see `exactBudgetBytes`) the top `rerank` int8 hits are re-scored exactly; without it, the
   * top `refine` int8 hits are re-scored from their 2-bit residuals, and those scores are final.
   */
  exact?: (id: string) => Float32Array | undefined;
  /** How many int8 hits the exact source re-scores. Default: max(5 × limit, 50). */
  rerank?: number;
  /**
   * How many int8 hits the residual refinement re-scores when there is no exact source; 0 leaves int8 scores final.
   * Default: limit + max(limit, 40): int8 scores are within ~1e-3 of exact, so the true top `limit` sit well inside
   * that margin.
   */
  refine?: number;
}

const GROWTH = 1.5;
/**
 * Capacity grows by at most this many slots at once, so a large index carries little unused room: at 384 dimensions
 * at most 0.9 MB. Each growth moves the arena's regions up (a memmove of the whole index, a few ms at 100k), about
 * fifty times over a 100k ingest.
 */
const MAX_GROWTH_SLOTS = 2_048;
/** Slots per block of residual storage: blocks are added as the index fills, so they carry no growth slack. */
const RESIDUAL_BLOCK = 1_024;

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
  /** 32-bit words of 2-bit residuals per slot: component d in bits 2(d mod 16) of word ⌊d / 16⌋. */
  readonly #residualStride: number;
  #residuals: Uint32Array[] = [];
  /** The candidates the re-rank keeps (numbered as the arena's `candidates`), then the refinement's order. */
  #chosen = new Int32Array(0);
  /** The re-rank's kept hits (see Ranked) and the refinement's scores, sized to the largest `keep` asked for. */
  #ranked: Ranked = { slots: new Int32Array(0), scores: new Float64Array(0), products: new Float64Array(0), size: 0, inverse: 1 };
  #refined = new Float64Array(0);
  /** The unit query, reused while the dimension is the same (always: it is fixed). */
  #unit: Float32Array;

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
    this.#residualStride = Math.ceil(dim / 16);
    this.#unit = new Float32Array(dim);
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
   * 64 KiB pages; the residual blocks; the full-precision copies while kept.
   */
  get bytes(): number {
    const residuals = this.#residuals.length * RESIDUAL_BLOCK * this.#residualStride * 4;
    return this.#arena.byteLength + residuals + (this.#exact ? this.#exact.size * this.dim * 4 : 0);
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
    const q = normaliseInto(query, this.#unit);
    const own = this.#exact;
    const exact = options.exact ?? (own ? (id: string) => own.get(id) : undefined);
    const refine = exact ? 0 : (options.refine ?? limit + Math.max(limit, 40));
    const wanted = Math.max(limit, options.candidates ?? defaultCandidates(limit, this.size));
    const found = this.#prefilter(q, wanted, refine === 0 ? 0 : Math.max(limit, refine), options.filter);
    if (!exact) {
      return refine === 0 ? this.#hits(this.#rerank(q, found, limit)) : this.#refine(this.#rerank(q, found, Math.max(limit, refine)), limit);
    }
    return this.#hits(this.#rerank(q, found, Math.max(limit, options.rerank ?? Math.max(5 * limit, 50))))
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
        this.#residualRow(to).set(this.#residualRow(from));
        const id = this.#ids[from] as string;
        this.#ids[to] = id;
        this.#slots.set(id, to);
        live[to] = 1;
      }
      to++;
    }
    live.fill(0, to, this.#count);
    this.#residuals.length = Math.ceil(to / RESIDUAL_BLOCK);
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
    const residual = this.#residualRow(slot);
    residual.fill(0);
    for (let d = 0; d < this.dim; d++) {
      const x = v[d] as number;
      const t = x / scale;
      const code = Math.round(t);
      codes[base + d] = code;
      // The rounding error t − code lies in [−0.5, 0.5]; its quarter (0..3) decodes to the quarter's midpoint,
      // (2r − 3) / 8 of a step, leaving at most 1/8 of a step of error instead of 1/2.
      const r = Math.min(3, Math.max(0, Math.floor((t - code + 0.5) * 4)));
      residual[d >>> 4] = ((residual[d >>> 4] as number) | (r << (2 * (d & 15)))) >>> 0;
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
   * 100k numbers. Returns how many candidate slots the arena's `candidates` now holds, in slot order. `refined`:
   * how many of them the refinement will re-score, for the arena's room.
   */
  #prefilter(q: Float32Array, wanted: number, refined: number, filter?: (id: string) => boolean): number {
    const arena = this.#arena;
    arena.reserveCandidates(Math.min(wanted, this.#count), Math.min(refined, wanted, this.#count));
    const querySigns = arena.querySigns;
    querySigns.fill(0);
    for (let d = 0; d < this.dim; d++) if ((q[d] as number) > 0) querySigns[d >>> 5] = ((querySigns[d >>> 5] as number) | (1 << (d & 31))) >>> 0;
    const count = this.#count;
    const excluded = this.dim + 1;
    // #deleted counts the tombstones below #count (compaction clears them all), so 0 means every slot is live.
    arena.hamming(count, excluded, this.#deleted === 0);
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
   * ~1e-5, far under the codes' ~1e-3) and keeps the best `keep`, best first. Equal scores rank by id, as in the
   * keyword index, so an index built live and one reloaded from the store (other insertion order) answer alike.
   */
  #rerank(q: Float32Array, n: number, keep: number): Ranked {
    const arena = this.#arena;
    const query = arena.query;
    let max = 0;
    for (let d = 0; d < this.dim; d++) max = Math.max(max, Math.abs(q[d] as number));
    const multiplier = max > 0 ? arena.queryMax / max : 1;
    for (let d = 0; d < this.dim; d++) query[d] = Math.round((q[d] as number) * multiplier);
    arena.dot(n);
    const size = Math.min(keep, n);
    let above = arena.select(n, size);
    const { candidates, dots, scores: all } = arena;
    const ids = this.#ids;
    const ranked = this.#rankedFor(size);
    const chosen = this.#chosen;
    chosen.set(arena.above.subarray(0, above));
    if (above < size) {
      // Of the candidates at the bar, the smallest ids fill the rest (sortPositions orders them below).
      smallestIds(arena.tied, arena.tiedCount, chosen.subarray(above, size), (x) => ids[candidates[x] as number] as string);
      above = size;
    }
    sortPositions(chosen, above, all, candidates, ids);
    const { slots, scores, products } = ranked;
    for (let rank = 0; rank < above; rank++) {
      const i = chosen[rank] as number;
      slots[rank] = candidates[i] as number;
      scores[rank] = all[i] as number;
      products[rank] = dots[i] as number;
    }
    ranked.size = above;
    ranked.inverse = 1 / multiplier;
    return ranked;
  }

  /** The reused Ranked scratch, with room for `size` hits; valid until the next search. */
  #rankedFor(size: number): Ranked {
    if (this.#ranked.slots.length < size) {
      this.#ranked = { slots: new Int32Array(size), scores: new Float64Array(size), products: new Float64Array(size), size: 0, inverse: 1 };
      this.#chosen = new Int32Array(size);
      this.#refined = new Float64Array(size);
    }
    return this.#ranked;
  }

  #hits(ranked: Ranked): VectorHit[] {
    const ids = this.#ids;
    return Array.from(ranked.slots.subarray(0, ranked.size), (slot, i) => ({ id: ids[slot] as string, score: (ranked.scores[i] as number) * ranked.inverse }));
  }

  /**
   * Re-scores ranked int8 hits with their residuals and returns the best `limit`. Per hit, in integers:
   * 8 × Σ q·code + Σ q·(2r − 3) = Σ q·(8 × code + 2r − 3), the dot product with the 10-bit decoding; the
   * residual sums come from the arena (DenseArena.sumResiduals). Integer sums under 2^53 are exact in any order, so
   * both kernel kinds give the same scores.
   */
  #refine(ranked: Ranked, limit: number): VectorHit[] {
    const arena = this.#arena;
    const { scales, residualRows, residualSums } = arena;
    const stride = this.#residualStride;
    const residuals = this.#residuals;
    // One read of each hit's residual row first (its first and last word: a row spans two cache lines), all
    // independent, so their cache misses overlap; in the copy below each row's miss would wait behind the last.
    let touched = 0;
    for (let i = 0; i < ranked.size; i++) {
      const slot = ranked.slots[i] as number;
      const block = residuals[Math.floor(slot / RESIDUAL_BLOCK)] as Uint32Array;
      const from = (slot % RESIDUAL_BLOCK) * stride;
      touched += (block[from] as number) + (block[from + stride - 1] as number);
    }
    // Never true (a sum of unsigned words): it uses the reads, so the compiler cannot drop them as dead code.
    if (touched < 0) return [];
    // The hits' residual rows into the arena, where the kernel reads them (a few dozen rows of dim / 16 words).
    for (let i = 0, to = 0; i < ranked.size; i++) {
      const slot = ranked.slots[i] as number;
      const block = residuals[Math.floor(slot / RESIDUAL_BLOCK)] as Uint32Array;
      for (let k = 0, from = (slot % RESIDUAL_BLOCK) * stride; k < stride; k++) residualRows[to++] = block[from++] as number;
    }
    arena.sumResiduals(ranked.size);
    const refined = this.#refined;
    for (let i = 0; i < ranked.size; i++) {
      const total = 8 * (ranked.products[i] as number) + (residualSums[i] as number);
      refined[i] = total * (scales[ranked.slots[i] as number] as number) * 0.125 * ranked.inverse;
    }
    const ids = this.#ids;
    // Positions sorted by refined score, best first (equal scores by id); hit objects only for the `limit` returned.
    const slots = ranked.slots;
    const order = this.#chosen;
    for (let i = 0; i < ranked.size; i++) order[i] = i;
    sortPositions(order, ranked.size, refined, slots, ids);
    const count = Math.min(limit, ranked.size);
    const hits = new Array<VectorHit>(count);
    for (let rank = 0; rank < count; rank++) {
      const i = order[rank] as number;
      hits[rank] = { id: ids[slots[i] as number] as string, score: refined[i] as number };
    }
    return hits;
  }

  /** The residual words of a slot, adding blocks up to it as needed. */
  #residualRow(slot: number): Uint32Array {
    const b = Math.floor(slot / RESIDUAL_BLOCK);
    while (this.#residuals.length <= b) this.#residuals.push(new Uint32Array(RESIDUAL_BLOCK * this.#residualStride));
    const start = (slot % RESIDUAL_BLOCK) * this.#residualStride;
    return (this.#residuals[b] as Uint32Array).subarray(start, start + this.#residualStride);
  }

  #reserve(needed: number): void {
    const capacity = this.#arena.capacity;
    if (needed <= capacity) return;
    this.#arena.reserve(Math.max(needed, Math.min(Math.ceil(capacity * GROWTH), capacity + MAX_GROWTH_SLOTS)));
  }
}

/** The int8 re-rank's best hits, best first: slots, scores (dot × scale), the integer dot products. */
interface Ranked {
  slots: Int32Array;
  scores: Float64Array;
  products: Float64Array;
  size: number;
  /** 1 / the query's quantization multiplier: turns dot × scale into a cosine. */
  inverse: number;
}

/**
 * Sorts positions[0..count) by score[position] descending, equal scores by the id of slotOf[position] ascending:
 * the order every list of hits here is in. Insertion sort, inline: it sorts the ≤ ~100 hits of a search, where
 * a comparator called through Array.prototype.sort cost more than the comparisons themselves.
 */
function sortPositions(positions: Int32Array, count: number, score: Float64Array, slotOf: Int32Array, ids: readonly (string | undefined)[]): void {
  for (let i = 1; i < count; i++) {
    const position = positions[i] as number;
    const value = score[position] as number;
    let j = i - 1;
    while (j >= 0) {
      const other = positions[j] as number;
      const otherValue = score[other] as number;
      // Stop at the first that ranks above: a higher score, or an equal score and a smaller id.
      if (otherValue > value || (otherValue === value && (ids[slotOf[other] as number] as string) < (ids[slotOf[position] as number] as string))) break;
      positions[j + 1] = other;
      j--;
    }
    positions[j + 1] = position;
  }
}

/** Pre-filter candidates when the caller names none: see VectorSearchOptions.candidates. */
function defaultCandidates(limit: number, size: number): number {
  return Math.max(Math.ceil(size / 50), 64 * Math.min(limit, 10), 16 * limit);
}

/** A unit-length copy (zero stays zero). */
export function normalised(vector: Float32Array): Float32Array {
  return normaliseInto(vector, new Float32Array(vector.length));
}

/** `vector` at unit length, written into `out` (same length; zero stays zero); returns `out`. */
function normaliseInto(vector: Float32Array, out: Float32Array): Float32Array {
  let norm = 0;
  for (let d = 0; d < vector.length; d++) norm += (vector[d] as number) * (vector[d] as number);
  norm = Math.sqrt(norm);
  if (norm > 0) for (let d = 0; d < vector.length; d++) out[d] = (vector[d] as number) / norm;
  else out.set(vector);
  return out;
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
