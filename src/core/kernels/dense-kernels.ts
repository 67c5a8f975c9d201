// The dense index's storage and its three hot loops, in one linear memory:
//   hamming  — the Hamming distance from the query's sign bits to every slot's signature, written as Uint16 per slot
//              and counted into a histogram in the same pass (tombstoned slots get `excluded`);
//   collect  — the slots at or under a distance cutoff, in slot order (ties at the cutoff: the first `atCutoff`);
//   dots     — the integer dot product of the int16-quantized query with each candidate's int8 codes, and the
//              candidate's score (that times its scale);
//   select   — the re-rank's bar (the k-th best score) and the candidates above and at it (selection-kernels.ts);
//   residualSums — for the re-rank's best few, Σ query[d] × (2r − 3) over their 2-bit residuals r (VectorIndex's
//              refinement), the residuals decoded in SIMD lanes.
// Two implementations with identical results: WebAssembly SIMD (i64.popcnt, i32x4.dot_i16x8_s), assembled here
// at run time and specialised to the dimension, with signatures and codes kept in its memory so nothing is copied
// per query; and plain JavaScript over the same layout, used where WebAssembly SIMD is unavailable. The first three
// kernels are integer-exact, and a score is one IEEE-754 product in both, so the two paths agree bit for bit.
import { memoryFor, regrow } from './arena-memory';
import { kthLargestKernel, partitionKernel } from './selection-kernels';
import { FunctionBuilder, Op, Simd, emitModule, i32, i64, uleb, v128 } from './wasm-emitter';

export type KernelKind = 'wasm-simd' | 'js';
export type KernelPreference = 'auto' | KernelKind;

/** Query signature words held in i64 locals (more are re-read from memory, where they stay in L1). */
const QUERY_LOCALS = 16;
/** Candidates whose rows the dot-product kernel touches together, one block ahead of the one it scores. */
const TOUCH_BLOCK = 32;
/** Candidates a new arena has room for, and rows it can refine; a query asking for more grows it (reserveCandidates). */
const INITIAL_CANDIDATES = 1_024;
const INITIAL_REFINED = 128;
/** Rows the Hamming loop takes per turn (a power of two). */
const HAMMING_UNROLL = 8;

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/** Region offsets in bytes for the capacities. The header (query, query signature, histogram) never moves. */
interface Layout {
  capacity: number;
  /** Candidates a query may collect (its candidates and their dot products are sized to it, not to the index). */
  candidateCapacity: number;
  /** Rows of residuals a query may refine. */
  refineCapacity: number;
  codes: number;
  signs: number;
  scales: number;
  live: number;
  distances: number;
  candidates: number;
  dots: number;
  scores: number;
  heap: number;
  above: number;
  tied: number;
  residualRows: number;
  residualSums: number;
  end: number;
}

interface WasmExports {
  hamming(signs: number, live: number, distances: number, histogram: number, querySigns: number, count: number, excluded: number): void;
  hammingAllLive(signs: number, live: number, distances: number, histogram: number, querySigns: number, count: number, excluded: number): void;
  collect(distances: number, candidates: number, count: number, cutoff: number, atCutoff: number, total: number): number;
  dots(codes: number, candidates: number, out: number, query: number, n: number, scales: number, scores: number): void;
  kthLargest(scores: number, count: number, k: number, heap: number): number;
  partition(scores: number, count: number, bar: number, above: number, tied: number, tiedCount: number, shift: number): number;
  residualSums(rows: number, n: number, query: number, out: number): void;
}

/**
 * Storage for `capacity` vectors of `dim` dimensions: int8 codes (rows padded to 16 bytes), sign-bit signatures
 * (rows padded to 16 bytes), Float32 scales, live flags, and per-query scratch (distances, histogram, candidate
 * slots, dot products, the quantized query). Views are replaced when the capacity grows: read them afresh.
 */
export class DenseArena {
  readonly kind: KernelKind;
  /** int8 codes per row (dim rounded up to 16; the padding stays zero). */
  readonly codeStride: number;
  /** Uint32 signature words per row (⌈dim / 32⌉ rounded up to 4; the padding stays zero). */
  readonly signStride: number;
  /** The largest magnitude of a quantized query component, so no dot product can overflow an int32. */
  readonly queryMax: number;

  codes!: Int8Array;
  signs!: Uint32Array;
  scales!: Float32Array;
  live!: Uint8Array;
  distances!: Uint16Array;
  histogram!: Uint32Array;
  candidates!: Int32Array;
  dots!: Int32Array;
  /** Per candidate (as `candidates` numbers them): its score, dots[i] × scales[candidates[i]] (see select). */
  scores!: Float64Array;
  /** What select found: candidate numbers above the bar, and at it. */
  above!: Int32Array;
  tied!: Int32Array;
  /** Rows of 2-bit residuals copied in for the refinement (`residualWords` each), and their sums. */
  residualRows!: Uint32Array;
  residualSums!: Int32Array;
  /** Uint32 words of residuals per row: 16 components each. */
  readonly residualWords: number;
  query!: Int16Array;
  querySigns!: Uint32Array;

  readonly #words: number;
  readonly #queryOffset = 0;
  readonly #querySignsOffset: number;
  readonly #histogramOffset: number;
  readonly #tiedCountOffset: number;
  #counters!: Uint32Array;
  readonly #header: number;
  #layout: Layout;
  #buffer: ArrayBuffer;
  readonly #memory: WebAssembly.Memory | undefined;
  readonly #wasm: WasmExports | undefined;

  constructor(
    readonly dim: number,
    capacity: number,
    preference: KernelPreference = 'auto',
  ) {
    this.#words = Math.ceil(dim / 32);
    this.codeStride = align16(dim);
    this.signStride = Math.ceil(this.#words / 4) * 4;
    this.residualWords = Math.ceil(dim / 16);
    this.queryMax = Math.min(32_767, Math.floor(0x7fff_ffff / (127 * this.codeStride)));
    this.#querySignsOffset = align16(this.codeStride * 2);
    this.#histogramOffset = this.#querySignsOffset + this.signStride * 4;
    this.#tiedCountOffset = this.#histogramOffset + (dim + 2) * 4;
    // Code rows start on a cache line: a 384-byte row then spans 6 lines, not 7.
    this.#header = Math.ceil((this.#tiedCountOffset + 4) / 64) * 64;
    this.#layout = this.#plan(capacity, INITIAL_CANDIDATES, INITIAL_REFINED);
    const module = preference === 'js' ? undefined : simdModule(this.codeStride / 16, this.signStride / 4, this.residualWords);
    if (preference === 'wasm-simd' && !module) throw new Error('WebAssembly SIMD is not available here');
    if (module) {
      this.#memory = memoryFor(this.#layout.end);
      this.#wasm = new WebAssembly.Instance(module, { env: { memory: this.#memory } }).exports as unknown as WasmExports;
      this.#buffer = this.#memory.buffer;
      this.kind = 'wasm-simd';
    } else {
      this.#buffer = new ArrayBuffer(this.#layout.end);
      this.kind = 'js';
    }
    this.#views();
  }

  get capacity(): number {
    return this.#layout.capacity;
  }

  /** Everything this arena holds: in WebAssembly, the whole linear memory (whole pages, scratch included). */
  get byteLength(): number {
    return this.#buffer.byteLength;
  }

  /** Grows to hold `capacity` slots, keeping codes, signatures, scales and live flags of every slot. */
  reserve(capacity: number): void {
    const old = this.#layout;
    if (capacity <= old.capacity) return;
    this.#regrow(this.#plan(capacity, old.candidateCapacity, old.refineCapacity));
  }

  /**
   * Room for a query to collect `candidates` slots and refine `refined` of them. Call it before the query writes
   * anything: in the JavaScript fallback growing copies only the stored rows, not the per-query scratch.
   */
  reserveCandidates(candidates: number, refined = 0): void {
    const old = this.#layout;
    if (candidates <= old.candidateCapacity && refined <= old.refineCapacity) return;
    const grow = (capacity: number, needed: number): number => (needed <= capacity ? capacity : Math.max(needed, Math.ceil(capacity * 1.5)));
    this.#regrow(this.#plan(old.capacity, grow(old.candidateCapacity, candidates), grow(old.refineCapacity, refined)));
  }

  /** Moves to the layout `next` (capacities never shrink), keeping every stored row. */
  #regrow(next: Layout): void {
    const old = this.#layout;
    const keep: [number, number, number][] = [
      [old.codes, next.codes, old.capacity * this.codeStride],
      [old.signs, next.signs, old.capacity * this.signStride * 4],
      [old.scales, next.scales, old.capacity * 4],
      [old.live, next.live, old.capacity],
    ];
    // The header (the query and its signature) stays where it is; in a fresh ArrayBuffer it is copied like the rows.
    const header = { from: 0, to: 0, length: this.#header, grownLength: this.#header };
    this.#buffer = regrow(this.#memory, this.#buffer, next.end, [
      header,
      ...keep.map(([from, to, length]) => ({ from, to, length, grownLength: (length / old.capacity) * next.capacity })),
    ]);
    this.#layout = next;
    this.#views();
  }

  /**
   * Distances from `querySigns` to slots 0..count−1 into `distances`, counted into `histogram` (zeroed here).
   * `allLive`: the caller vouches that every slot below count is live, so the live flags need not be read (the
   * JavaScript twin reads them anyway; the result is the same when the promise holds).
   */
  hamming(count: number, excluded: number, allLive = false): void {
    this.histogram.fill(0);
    const l = this.#layout;
    if (this.#wasm) {
      // With no tombstone below count (the caller knows), the kernel that skips the live flags: a few instructions
      // fewer per row in a loop bound by instructions, not memory.
      if (allLive) this.#wasm.hammingAllLive(l.signs, l.live, l.distances, this.#histogramOffset, this.#querySignsOffset, count, excluded);
      else this.#wasm.hamming(l.signs, l.live, l.distances, this.#histogramOffset, this.#querySignsOffset, count, excluded);
      return;
    }
    const { signs, live, distances, histogram, querySigns } = this;
    const words = this.#words;
    const stride = this.signStride;
    for (let slot = 0, p = 0; slot < count; slot++, p += stride) {
      let distance = 0;
      for (let w = 0; w < words; w++) distance += popcount(((signs[p + w] as number) ^ (querySigns[w] as number)) >>> 0);
      if (!live[slot]) distance = excluded;
      distances[slot] = distance;
      histogram[distance] = (histogram[distance] as number) + 1;
    }
  }

  /**
   * Writes into `candidates` the slots whose distance is under `cutoff`, and the first `atCutoff` at it, in slot
   * order, stopping once `total` are found; returns how many.
   */
  collect(count: number, cutoff: number, atCutoff: number, total: number): number {
    const l = this.#layout;
    if (this.#wasm) return this.#wasm.collect(l.distances, l.candidates, count, cutoff, atCutoff, total);
    const { distances, candidates } = this;
    let n = 0;
    let tied = 0;
    for (let slot = 0; slot < count && n < total; slot++) {
      const distance = distances[slot] as number;
      if (distance < cutoff || (distance === cutoff && tied++ < atCutoff)) candidates[n++] = slot;
    }
    return n;
  }

  /**
   * dots[i] = Σ query[d] × codes[candidates[i]][d] for i < n (exact integers), and scores[i] = dots[i] ×
   * scales[candidates[i]] (one f64 product of the int32 and the float32).
   */
  dot(n: number): void {
    const l = this.#layout;
    if (this.#wasm) {
      this.#wasm.dots(l.codes, l.candidates, l.dots, this.#queryOffset, n, l.scales, l.scores);
      return;
    }
    const { codes, candidates, dots, query, scales, scores } = this;
    const dim = this.dim;
    const stride = this.codeStride;
    for (let i = 0; i < n; i++) {
      const slot = candidates[i] as number;
      let sum = 0;
      for (let d = 0, p = slot * stride; d < dim; d++, p++) sum += (query[d] as number) * (codes[p] as number);
      dots[i] = sum;
      scores[i] = sum * (scales[slot] as number);
    }
  }

  /**
   * Finds the `keep`-th best score of the first `n` candidates (scored by `dot`), the bar: the candidates above it
   * go to `above` (returns how many, fewer than keep unless all n are kept), those at it to `tied` (`tiedCount` of
   * them), each in candidate order. Ties are the caller's to order.
   */
  select(n: number, keep: number): number {
    const l = this.#layout;
    const size = Math.min(keep, n);
    if (this.#wasm) {
      // The selection kernels number scores from 1: the array's address − 8, and −1 back on each written number.
      const bar = size < n ? this.#wasm.kthLargest(l.scores - 8, n, size, l.heap) : Number.NEGATIVE_INFINITY;
      return this.#wasm.partition(l.scores - 8, n, bar, l.above, l.tied, this.#tiedCountOffset, -1);
    }
    const { scores, above, tied } = this;
    const bar = size < n ? kthLargest(scores, n, size - 1, this.#heapView()) : Number.NEGATIVE_INFINITY;
    let nAbove = 0;
    let nTied = 0;
    for (let i = 0; i < n; i++) {
      const score = scores[i] as number;
      if (score > bar) above[nAbove++] = i;
      else if (score === bar) tied[nTied++] = i;
    }
    this.#counters[0] = nTied;
    return nAbove;
  }

  /**
   * residualSums[i] = Σ query[d] × (2r − 3) for the first `n` rows of residualRows, r the 2-bit residual of
   * component d (bits 2(d mod 16) of word ⌊d / 16⌋). Exact integers: |sum| < 3 × 32,767 × dim stays in an int32 for
   * any dimension the codes allow.
   */
  sumResiduals(n: number): void {
    const l = this.#layout;
    if (this.#wasm) {
      this.#wasm.residualSums(l.residualRows, n, this.#queryOffset, l.residualSums);
      return;
    }
    const { residualRows, residualSums, query } = this;
    const words = this.residualWords;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let k = 0; k < words; k++) {
        const word = residualRows[i * words + k] as number;
        for (let j = 0; j < 16; j++) sum += (query[16 * k + j] as number) * (2 * ((word >>> (2 * j)) & 3) - 3);
      }
      residualSums[i] = sum;
    }
  }

  /** How many candidates the last `select` found at the bar. */
  get tiedCount(): number {
    return this.#counters[0] as number;
  }

  #heapView(): Float64Array {
    return new Float64Array(this.#buffer, this.#layout.heap, this.#layout.candidateCapacity);
  }

  #plan(capacity: number, candidateCapacity: number, refineCapacity: number): Layout {
    const codes = this.#header;
    const signs = codes + capacity * this.codeStride;
    const scales = signs + capacity * this.signStride * 4;
    const live = scales + align16(capacity * 4);
    const distances = live + align16(capacity);
    // 32 bytes past the last distance: collect reads 16 at a time. One candidate past the last: it stores before
    // deciding whether to keep.
    const candidates = distances + align16(capacity * 2 + 32);
    const dots = candidates + align16((candidateCapacity + 4) * 4);
    const scores = dots + align16((candidateCapacity + 4) * 4);
    const heap = scores + candidateCapacity * 8;
    const above = heap + candidateCapacity * 8;
    const tied = above + candidateCapacity * 4;
    const residualRows = tied + align16(candidateCapacity * 4);
    const residualSums = residualRows + refineCapacity * this.residualWords * 4;
    const end = residualSums + align16(refineCapacity * 4);
    return { capacity, candidateCapacity, refineCapacity, codes, signs, scales, live, distances, candidates, dots, scores, heap, above, tied, residualRows, residualSums, end };
  }

  #views(): void {
    const b = this.#buffer;
    const l = this.#layout;
    this.query = new Int16Array(b, this.#queryOffset, this.codeStride);
    this.querySigns = new Uint32Array(b, this.#querySignsOffset, this.signStride);
    this.histogram = new Uint32Array(b, this.#histogramOffset, this.dim + 2);
    this.codes = new Int8Array(b, l.codes, l.capacity * this.codeStride);
    this.signs = new Uint32Array(b, l.signs, l.capacity * this.signStride);
    this.scales = new Float32Array(b, l.scales, l.capacity);
    this.live = new Uint8Array(b, l.live, l.capacity);
    this.distances = new Uint16Array(b, l.distances, l.capacity);
    this.candidates = new Int32Array(b, l.candidates, l.candidateCapacity + 4);
    this.dots = new Int32Array(b, l.dots, l.candidateCapacity + 4);
    this.scores = new Float64Array(b, l.scores, l.candidateCapacity);
    this.above = new Int32Array(b, l.above, l.candidateCapacity);
    this.tied = new Int32Array(b, l.tied, l.candidateCapacity);
    this.residualRows = new Uint32Array(b, l.residualRows, l.refineCapacity * this.residualWords);
    this.residualSums = new Int32Array(b, l.residualSums, l.refineCapacity);
    this.#counters = new Uint32Array(b, this.#tiedCountOffset, 1);
  }
}

export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

const modules = new Map<string, WebAssembly.Module | null>();

/**
 * The compiled kernels for rows of `codeChunks` × 16 code bytes, `signChunks` × 16 signature bytes and
 * `residualWords` words of residuals, or null.
 */
export function simdModule(codeChunks: number, signChunks: number, residualWords = codeChunks): WebAssembly.Module | null {
  const key = `${codeChunks}:${signChunks}:${residualWords}`;
  let module = modules.get(key);
  if (module === undefined) {
    module = null;
    try {
      const bytes = kernelBytes(codeChunks, signChunks, residualWords);
      if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
    } catch {
      module = null;
    }
    modules.set(key, module);
  }
  return module;
}

/** Whether this runtime runs the SIMD kernels (WebAssembly.validate accepts them). */
export function simdSupported(): boolean {
  return simdModule(1, 1) !== null;
}

/** The kernels' WebAssembly binary, specialised to the row sizes (loops over chunks fully unrolled). */
export function kernelBytes(codeChunks: number, signChunks: number, residualWords = codeChunks): Uint8Array<ArrayBuffer> {
  return emitModule([
    hammingKernel(signChunks, true),
    collectKernel(),
    dotsKernel(codeChunks),
    hammingKernel(signChunks, false),
    kthLargestKernel(),
    partitionKernel(),
    residualSumsKernel(residualWords),
  ]);
}

function lane(f: FunctionBuilder, vector: number, index: number): FunctionBuilder {
  return f.get(vector).simd(Simd.i32x4ExtractLane, [index]);
}

/** The four i32 lanes of local `vector`, summed, left on the stack. */
function sumLanes(f: FunctionBuilder, vector: number): void {
  lane(f, vector, 0);
  lane(f, vector, 1).op(Op.i32Add);
  lane(f, vector, 2).op(Op.i32Add);
  lane(f, vector, 3).op(Op.i32Add);
}

/**
 * Scalar 64-bit popcounts: one instruction per 64 bits on current CPUs, summed straight into the distance, which
 * measured twice as fast in Chromium as i8x16.popcnt plus the horizontal sums a vector of counts needs.
 */
function hammingKernel(chunks: number, checkLive: boolean): FunctionBuilder {
  const f = new FunctionBuilder(checkLive ? 'hamming' : 'hammingAllLive', [i32, i32, i32, i32, i32, i32, i32], []);
  const [signs, live, distances, histogram, querySigns, count, excluded] = [0, 1, 2, 3, 4, 5, 6];
  const distance = f.local(i32);
  const address = f.local(i32);
  const words = chunks * 2;
  const queryLocals: number[] = [];
  for (let w = 0; w < Math.min(words, QUERY_LOCALS); w++) {
    const q = f.local(i64);
    f.get(querySigns).mem(Op.i64Load, 3, 8 * w).set(q);
    queryLocals.push(q);
  }
  /** One row's distance, `k` rows past the pointers: stored, and counted into the histogram. */
  const row = (k: number): void => {
    for (let w = 0; w < words; w++) {
      f.get(signs).mem(Op.i64Load, 3, 16 * chunks * k + 8 * w);
      const q = queryLocals[w];
      if (q === undefined) f.get(querySigns).mem(Op.i64Load, 3, 8 * w);
      else f.get(q);
      f.op(Op.i64Xor).op(Op.i64Popcnt);
      if (w > 0) f.op(Op.i64Add);
    }
    f.op(Op.i32WrapI64).set(distance);
    // A tombstoned slot is `excluded` (counted in the histogram's last bucket, which no cutoff reaches).
    if (checkLive) f.get(distance).get(excluded).get(live).mem(Op.i32Load8U, 0, k).op(Op.select).set(distance);
    f.get(distances).get(distance).mem(Op.i32Store16, 1, 2 * k);
    f.get(histogram).get(distance).const(2).op(Op.i32Shl).op(Op.i32Add).tee(address);
    f.get(address).mem(Op.i32Load, 2).const(1).op(Op.i32Add).mem(Op.i32Store, 2);
  };
  const advance = (rows: number): void => {
    f.get(signs).const(16 * chunks * rows).op(Op.i32Add).set(signs);
    if (checkLive) f.get(live).const(rows).op(Op.i32Add).set(live);
    f.get(distances).const(2 * rows).op(Op.i32Add).set(distances);
  };
  // The loop takes HAMMING_UNROLL rows per turn, which divides its bookkeeping (pointer updates, stack check,
  // branch): the loop is compute-bound (~45 instructions a row), not memory-bound. The rows left over (count mod
  // HAMMING_UNROLL) go first, one at a time.
  f.open(Op.block).open(Op.loop);
  f.get(count).const(HAMMING_UNROLL - 1).op(Op.i32And).op(Op.i32Eqz).op(Op.brIf, uleb(1));
  row(0);
  advance(1);
  f.get(count).const(1).op(Op.i32Sub).set(count);
  f.op(Op.br, uleb(0));
  f.op(Op.end).op(Op.end);
  f.open(Op.block).get(count).op(Op.i32Eqz).op(Op.brIf, uleb(0));
  f.open(Op.loop);
  for (let k = 0; k < HAMMING_UNROLL; k++) row(k);
  advance(HAMMING_UNROLL);
  f.get(count).const(HAMMING_UNROLL).op(Op.i32Sub).tee(count).op(Op.brIf, uleb(0));
  f.op(Op.end).op(Op.end);
  return f;
}

function collectKernel(): FunctionBuilder {
  const f = new FunctionBuilder('collect', [i32, i32, i32, i32, i32, i32], [i32]);
  const [distances, candidates, count, cutoff, atCutoff, total] = [0, 1, 2, 3, 4, 5];
  const slot = f.local(i32);
  const n = f.local(i32);
  const tied = f.local(i32);
  const mask = f.local(i32);
  const equal = f.local(i32);
  const lane = f.local(i32);
  const left = f.local(i32);
  const address = f.local(i32);
  const threshold = f.local(v128);
  const low = f.local(v128);
  const high = f.local(v128);
  f.get(cutoff).simd(Simd.i16x8Splat).set(threshold);
  f.open(Op.block).open(Op.loop);
  f.get(slot).get(count).op(Op.i32GeU).op(Op.brIf, uleb(1));
  // Sixteen distances at once, as two halves narrowed into one 16-bit mask of those at or under the cutoff: most
  // blocks hold none and are skipped whole.
  f.get(distances).get(slot).const(1).op(Op.i32Shl).op(Op.i32Add).tee(address).v128Load(0).set(low);
  f.get(address).v128Load(16).set(high);
  f.get(low).get(threshold).simd(Simd.i16x8LeU);
  f.get(high).get(threshold).simd(Simd.i16x8LeU);
  f.simd(Simd.i8x16NarrowI16x8S).simd(Simd.i8x16Bitmask).tee(mask);
  f.open(Op.if);
  {
    // Lanes at or past `count` read what lies beyond (padding, other scratch): masked off (left = min(count − slot,
    // 16) lanes are real).
    f.get(count).get(slot).op(Op.i32Sub).tee(left).const(16).get(left).const(16).op(Op.i32LtU).op(Op.select).set(left);
    f.get(mask).const(1).get(left).op(Op.i32Shl).const(1).op(Op.i32Sub).op(Op.i32And).set(mask);
    f.get(low).get(threshold).simd(Simd.i16x8Eq);
    f.get(high).get(threshold).simd(Simd.i16x8Eq);
    f.simd(Simd.i8x16NarrowI16x8S).simd(Simd.i8x16Bitmask).set(equal);
    // Only the lanes taken are visited, lowest first (slot order), through their bits: a block holds one or two.
    f.open(Op.block).get(mask).op(Op.i32Eqz).op(Op.brIf, uleb(0));
    f.open(Op.loop);
    f.get(mask).op(Op.i32Ctz).set(lane);
    // Store unconditionally; keep it by advancing n when it is under the cutoff, or at it while ties are wanted.
    f.get(candidates).get(n).const(2).op(Op.i32Shl).op(Op.i32Add).get(slot).get(lane).op(Op.i32Add).mem(Op.i32Store, 2);
    f.get(equal).get(lane).op(Op.i32ShrU).const(1).op(Op.i32And).set(lane);
    f.get(n);
    f.get(lane).const(1).op(Op.i32Xor);
    f.get(tied).get(atCutoff).op(Op.i32LtU);
    f.op(Op.i32Or).op(Op.i32Add).set(n);
    f.get(tied).get(lane).op(Op.i32Add).set(tied);
    f.get(mask).get(mask).const(1).op(Op.i32Sub).op(Op.i32And).tee(mask).op(Op.brIf, uleb(0));
    f.op(Op.end).op(Op.end);
    f.get(n).get(total).op(Op.i32GeU).op(Op.brIf, uleb(2));
  }
  f.op(Op.end);
  f.get(slot).const(16).op(Op.i32Add).set(slot);
  f.op(Op.br, uleb(0));
  f.op(Op.end).op(Op.end);
  f.get(n);
  return f;
}

function dotsKernel(chunks: number): FunctionBuilder {
  const f = new FunctionBuilder('dots', [i32, i32, i32, i32, i32, i32, i32], []);
  const [codes, candidates, out, query, n, scales, scores] = [0, 1, 2, 3, 4, 5, 6];
  const row = f.local(i32);
  const slot = f.local(i32);
  const sink = f.local(i32);
  const sum = f.local(i32);
  const at = f.local(i32);
  const blockEnd = f.local(i32);
  const touchAt = f.local(i32);
  const touchEnd = f.local(i32);
  const acc = f.local(v128);
  const bytes = f.local(v128);
  const stride = 16 * chunks;
  /** touchEnd = min(from + TOUCH_BLOCK, n), with `from` on the stack. */
  const blockFrom = (target: number) => {
    f.const(TOUCH_BLOCK).op(Op.i32Add).tee(target).get(n).get(target).get(n).op(Op.i32LtU).op(Op.select).set(target);
  };
  // Reads one byte of every cache line of the rows of candidates [touchAt, touchEnd), and of their scales: a short
  // loop of independent loads, so the misses of a whole block are in flight together (each scale is a random line
  // of its own, read when the row is scored).
  const touch = () => {
    f.open(Op.block).get(touchAt).get(touchEnd).op(Op.i32GeU).op(Op.brIf, uleb(0));
    f.open(Op.loop);
    f.get(candidates).get(touchAt).const(2).op(Op.i32Shl).op(Op.i32Add).mem(Op.i32Load, 2).tee(row);
    f.const(2).op(Op.i32Shl).get(scales).op(Op.i32Add).mem(Op.i32Load8U, 0).get(sink).op(Op.i32Add).set(sink);
    f.get(row).const(stride).op(Op.i32Mul).get(codes).op(Op.i32Add).set(row);
    for (let line = 0; line < stride; line += 64) f.get(sink).get(row).mem(Op.i32Load8U, 0, line).op(Op.i32Add).set(sink);
    f.get(touchAt).const(1).op(Op.i32Add).tee(touchAt).get(touchEnd).op(Op.i32LtU).op(Op.brIf, uleb(0));
    f.op(Op.end).op(Op.end);
  };
  f.open(Op.block).get(n).op(Op.i32Eqz).op(Op.brIf, uleb(0));
  f.get(touchAt);
  blockFrom(touchEnd);
  touch();
  f.open(Op.loop);
  f.get(at);
  blockFrom(blockEnd);
  // The next block's rows are requested before this block is scored: their misses overlap the arithmetic.
  f.get(blockEnd).set(touchAt);
  f.get(blockEnd);
  blockFrom(touchEnd);
  touch();
  f.open(Op.loop);
  f.get(candidates).get(at).const(2).op(Op.i32Shl).op(Op.i32Add).mem(Op.i32Load, 2).tee(slot).const(stride).op(Op.i32Mul).get(codes).op(Op.i32Add).set(row);
  for (let c = 0; c < chunks; c++) {
    // 16 int8 codes → two i16x8 halves, each multiplied with 8 query components and summed in pairs into i32x4.
    f.get(row).v128Load(16 * c).tee(bytes).simd(Simd.i16x8ExtendLowI8x16S);
    f.get(query).v128Load(32 * c).simd(Simd.i32x4DotI16x8S);
    if (c > 0) f.simd(Simd.i32x4Add);
    f.get(bytes).simd(Simd.i16x8ExtendHighI8x16S);
    f.get(query).v128Load(32 * c + 16).simd(Simd.i32x4DotI16x8S).simd(Simd.i32x4Add);
  }
  f.set(acc);
  sumLanes(f, acc);
  f.set(sum);
  f.get(out).get(at).const(2).op(Op.i32Shl).op(Op.i32Add).get(sum).mem(Op.i32Store, 2);
  // Its score: the int32 and the float32 scale promoted, one f64 product (as JavaScript computes it).
  f.get(scores).get(at).const(3).op(Op.i32Shl).op(Op.i32Add);
  f.get(sum).op(Op.f64ConvertI32S).get(scales).get(slot).const(2).op(Op.i32Shl).op(Op.i32Add).mem(Op.f32Load, 2).op(Op.f64PromoteF32).op(Op.f64Mul);
  f.mem(Op.f64Store, 3);
  f.get(at).const(1).op(Op.i32Add).tee(at).get(blockEnd).op(Op.i32LtU).op(Op.brIf, uleb(0));
  f.op(Op.end);
  f.get(at).get(n).op(Op.i32LtU).op(Op.brIf, uleb(0));
  f.op(Op.end);
  // The touched bytes go one past the last dot product, so the loads cannot be dropped as dead.
  f.get(out).get(n).const(2).op(Op.i32Shl).op(Op.i32Add).get(sink).mem(Op.i32Store, 2);
  f.op(Op.end);
  return f;
}

/**
 * The k-th largest (k from 0) of values[0..n), k < n: a min-heap of the k + 1 largest seen so far, in `heap` (reused
 * scratch, at least k + 1 long), whose root is the answer at the end. Most values are rejected by one comparison
 * with the root, so it reads the values once and moves little, where a quickselect copied and reordered them all.
 */
function kthLargest(values: Float64Array, n: number, k: number, heap: Float64Array): number {
  const size = k + 1;
  for (let i = 0; i < size; i++) heap[i] = values[i] as number;
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(heap, size, i, heap[i] as number);
  for (let i = size; i < n; i++) {
    const value = values[i] as number;
    if (value > (heap[0] as number)) siftDown(heap, size, 0, value);
  }
  return heap[0] as number;
}

/** Puts `value` at `at` of a min-heap of `size` and moves it down to where it belongs. */
function siftDown(heap: Float64Array, size: number, at: number, value: number): void {
  const half = size >> 1;
  while (at < half) {
    let child = 2 * at + 1;
    if (child + 1 < size && (heap[child + 1] as number) < (heap[child] as number)) child++;
    if ((heap[child] as number) >= value) break;
    heap[at] = heap[child] as number;
    at = child;
  }
  heap[at] = value;
}

/**
 * Per row: each residual word is two halves of 8 components. A half is splat into 8 i16 lanes; multiplying lane j
 * by 2^(14 − 2j) (mod 2^16) and shifting right by 14 leaves component j's 2 bits there, with no per-lane shift.
 * Then 2r − 3, and a dot product with the query's 8 int16 components into i32 lanes.
 */
function residualSumsKernel(words: number): FunctionBuilder {
  const f = new FunctionBuilder('residualSums', [i32, i32, i32, i32], []);
  const [rows, n, query, out] = [0, 1, 2, 3];
  const i = f.local(i32);
  const word = f.local(i32);
  const acc = f.local(v128);
  const spread = f.local(v128);
  const three = f.local(v128);
  const i16Lanes = (values: readonly number[]): number[] => values.flatMap((v) => [v & 0xff, (v >>> 8) & 0xff]);
  f.simd(Simd.v128Const, i16Lanes([1 << 14, 1 << 12, 1 << 10, 1 << 8, 1 << 6, 1 << 4, 1 << 2, 1])).set(spread);
  f.simd(Simd.v128Const, i16Lanes([3, 3, 3, 3, 3, 3, 3, 3])).set(three);
  /** The 8 components of the half of `word` on the stack, as 2r − 3 in i16 lanes, dotted with the query at `offset`. */
  const half = (offset: number): void => {
    f.simd(Simd.i16x8Splat).get(spread).simd(Simd.i16x8Mul).const(14).simd(Simd.i16x8ShrU);
    f.const(1).simd(Simd.i16x8Shl).get(three).simd(Simd.i16x8Sub);
    f.get(query).v128Load(offset).simd(Simd.i32x4DotI16x8S);
  };
  f.open(Op.block).open(Op.loop);
  f.get(i).get(n).op(Op.i32GeU).op(Op.brIf, uleb(1));
  for (let k = 0; k < words; k++) {
    f.get(rows).mem(Op.i32Load, 2, 4 * k).tee(word);
    half(32 * k);
    if (k > 0) f.get(acc).simd(Simd.i32x4Add);
    f.set(acc);
    f.get(word).const(16).op(Op.i32ShrU);
    half(32 * k + 16);
    f.get(acc).simd(Simd.i32x4Add).set(acc);
  }
  f.get(out).get(i).const(2).op(Op.i32Shl).op(Op.i32Add);
  sumLanes(f, acc);
  f.mem(Op.i32Store, 2);
  f.get(rows).const(4 * words).op(Op.i32Add).set(rows);
  f.get(i).const(1).op(Op.i32Add).set(i);
  f.op(Op.br, uleb(0));
  f.op(Op.end).op(Op.end);
  return f;
}
