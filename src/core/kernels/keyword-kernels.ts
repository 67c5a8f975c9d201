// The keyword index's query loops as WebAssembly, over arrays kept in one linear memory (see KeywordArena):
//   accumulate — one term's BM25 contributions, added into compact per-query scores (a slot's first contribution
//                gives it the next position; later ones add to its score);
//   kthLargest — the k-th largest of the query's scores (a bounded min-heap of plain numbers; selection-kernels.ts);
//   partition  — the positions whose score is above a bar, and those equal to it (selection-kernels.ts);
//   forget     — the touched slots' positions back to 0, ready for the next query.
// Why WebAssembly: these loops are most of a keyword query, and as JavaScript they ran unoptimized for the first
// few dozen queries of a session (V8 compiles them late, and a user's session rarely asks more), while WebAssembly
// is compiled before the first call. Every score is the same IEEE-754 expression, in the same order, as the
// JavaScript loops in bm25.ts compute it (WebAssembly has no fused multiply-add), so both give the same bits.
import { memoryFor, regrow, type KeptRegion } from './arena-memory';
import { kthLargestKernel, partitionKernel } from './selection-kernels';
import { FunctionBuilder, Op, emitModule, f64, i32, uleb } from './wasm-emitter';

export interface KeywordKernels {
  accumulate(
    postingSlots: number,
    postingFreqs: number,
    length: number,
    lengths: number,
    live: number,
    position: number,
    scores: number,
    touched: number,
    touchedCount: number,
    norms: number,
    tabled: number,
    idf: number,
    k1: number,
    b: number,
    averageLength: number,
  ): number;
  kthLargest(scores: number, count: number, k: number, heap: number): number;
  partition(scores: number, count: number, bar: number, above: number, tied: number, tiedCount: number, shift: number): number;
  forget(position: number, touched: number, count: number): void;
}

export type KeywordKernelKind = 'wasm' | 'js';
export type KeywordKernelPreference = 'auto' | KeywordKernelKind;

/** The norm table's size (see Bm25Index #norms): lengths past it are computed in place. */
export const NORM_TABLE = 4_096;

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/**
 * Arrays past this many entries grow by a quarter, not by doubling: at 100k documents doubling left the postings 40%
 * empty on average (2.9 MB), and the extra copies of growing by a quarter cost a few ms over a whole 100k ingest.
 */
export const DOUBLING_LIMIT = 64;

/** The capacity to grow `capacity` to so it holds `needed`: doubling while small, then by a quarter. */
export function grownCapacity(capacity: number, needed: number): number {
  if (needed <= capacity) return capacity;
  const step = capacity < DOUBLING_LIMIT ? capacity * 2 : Math.ceil(capacity * 1.25);
  return Math.max(needed, step, 16);
}

interface KeywordLayout {
  norms: number;
  tiedCount: number;
  slots: number;
  query: number;
  best: number;
  postings: number;
  lengths: number;
  position: number;
  live: number;
  scores: number;
  heap: number;
  touched: number;
  tied: number;
  above: number;
  postingSlots: number;
  postingFreqs: number;
  end: number;
}

/**
 * The keyword index's per-document arrays and its query scratch, in one buffer the kernels read: per slot the
 * document length, its live flag and its position in the query's compact scores; per query the scores, touched
 * slots, the selection's heap and partitions, a posting list copied in, and the norm table. WebAssembly memory when
 * the kernels run, an ArrayBuffer for the JavaScript fallback (same views, same layout). Views are replaced when a
 * capacity grows: read them afresh after `reserveSlots` or `reserveQuery`.
 */
export class KeywordArena {
  readonly kind: KeywordKernelKind;
  readonly kernels: KeywordKernels | undefined;

  lengths!: Uint32Array;
  live!: Uint8Array;
  /** 1-based position of a slot's score in `scores` during a query (0: not touched); all zero between queries. */
  position!: Uint32Array;
  /** Positions 1.. of the query's touched slots: their scores, and the slots. */
  scores!: Float64Array;
  touched!: Uint32Array;
  /** The partition's output: positions above the bar (fewer than `best`), and at it. */
  above!: Uint32Array;
  tied!: Uint32Array;
  postingSlots!: Uint32Array;
  postingFreqs!: Uint8Array;
  norms!: Float64Array;

  readonly #header = align16(NORM_TABLE * 8 + 4);
  #counters!: Uint32Array;
  #layout: KeywordLayout;
  #buffer: ArrayBuffer;
  readonly #memory: WebAssembly.Memory | undefined;

  constructor(preference: KeywordKernelPreference = 'auto') {
    this.#layout = this.#plan(16, 16, 16, 16);
    const module = preference === 'js' ? null : keywordModule();
    if (preference === 'wasm' && !module) throw new Error('WebAssembly is not available here');
    if (module) {
      this.#memory = memoryFor(this.#layout.end);
      this.kernels = new WebAssembly.Instance(module, { env: { memory: this.#memory } }).exports as unknown as KeywordKernels;
      this.#buffer = this.#memory.buffer;
      this.kind = 'wasm';
    } else {
      this.#buffer = new ArrayBuffer(this.#layout.end);
      this.kind = 'js';
    }
    this.#views();
  }

  /** Everything this arena holds: in WebAssembly, the whole linear memory (whole pages). */
  get byteLength(): number {
    return this.#buffer.byteLength;
  }

  get slotCapacity(): number {
    return this.#layout.slots;
  }

  /** Room for `slots` documents, keeping every slot's length, live flag and position. */
  reserveSlots(slots: number): void {
    const old = this.#layout;
    if (slots <= old.slots) return;
    this.#grow(this.#plan(grownCapacity(old.slots, slots), old.query, old.best, old.postings));
  }

  /**
   * Room for a query touching `touchable` documents (positions 1..touchable), selecting the `best` of them, with a
   * list of `postings` copied in.
   */
  reserveQuery(touchable: number, best: number, postings: number): void {
    const old = this.#layout;
    if (touchable <= old.query && best <= old.best && postings <= old.postings) return;
    this.#grow(this.#plan(old.slots, grownCapacity(old.query, touchable), grownCapacity(old.best, best), grownCapacity(old.postings, postings)));
  }

  /** Byte offsets of the regions (what the kernels are given) and the capacities. */
  get layout(): Readonly<KeywordLayout> {
    return this.#layout;
  }

  /** How many positions the last `partition` found at the bar. */
  get tiedCount(): number {
    return this.#counters[0] as number;
  }

  #grow(next: KeywordLayout): void {
    const old = this.#layout;
    const perSlot = (from: number, to: number, bytesPerSlot: number): KeptRegion => ({ from, to, length: old.slots * bytesPerSlot, grownLength: next.slots * bytesPerSlot });
    // The header (the norm table) stays where it is; in a fresh ArrayBuffer it is copied like the rest.
    const header: KeptRegion = { from: 0, to: 0, length: this.#header, grownLength: this.#header };
    const kept = [header, perSlot(old.lengths, next.lengths, 4), perSlot(old.position, next.position, 4), perSlot(old.live, next.live, 1)];
    this.#buffer = regrow(this.#memory, this.#buffer, next.end, kept);
    this.#layout = next;
    this.#views();
  }

  /** Per-slot regions first (they only move when the slot capacity grows), then the query scratch. */
  #plan(slots: number, query: number, best: number, postings: number): KeywordLayout {
    const lengths = this.#header;
    const position = lengths + align16(slots * 4);
    const live = position + align16(slots * 4);
    const scores = live + align16(slots);
    const touched = scores + (query + 1) * 8;
    const tied = touched + align16((query + 1) * 4);
    const heap = tied + align16((query + 1) * 4);
    const above = heap + best * 8;
    const postingSlots = above + align16(best * 4);
    const postingFreqs = postingSlots + align16(postings * 4);
    return { norms: 0, tiedCount: NORM_TABLE * 8, slots, query, best, postings, lengths, position, live, scores, heap, touched, tied, above, postingSlots, postingFreqs, end: postingFreqs + align16(postings) };
  }

  #views(): void {
    const b = this.#buffer;
    const l = this.#layout;
    this.norms = new Float64Array(b, l.norms, NORM_TABLE);
    this.#counters = new Uint32Array(b, l.tiedCount, 1);
    this.lengths = new Uint32Array(b, l.lengths, l.slots);
    this.position = new Uint32Array(b, l.position, l.slots);
    this.live = new Uint8Array(b, l.live, l.slots);
    this.scores = new Float64Array(b, l.scores, l.query + 1);
    this.touched = new Uint32Array(b, l.touched, l.query + 1);
    this.tied = new Uint32Array(b, l.tied, l.query + 1);
    this.above = new Uint32Array(b, l.above, l.best);
    this.postingSlots = new Uint32Array(b, l.postingSlots, l.postings);
    this.postingFreqs = new Uint8Array(b, l.postingFreqs, l.postings);
  }
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernels, or null where WebAssembly cannot run (e.g. a page whose CSP forbids compiling it). */
export function keywordModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    compiled = null;
    try {
      const bytes = keywordKernelBytes();
      if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

export function keywordKernelBytes(): Uint8Array<ArrayBuffer> {
  return emitModule([accumulateKernel(), kthLargestKernel(), partitionKernel(), forgetKernel()]);
}

/**
 * For each posting i < length: slot = postingSlots[i] (u32), tf = postingFreqs[i] (u8), dl = lengths[slot].
 *   dl < tabled:  contribution = idf × tf × (k1 + 1) / (tf + norms[dl])
 *   dead slot:    skipped (dl = DEAD_LENGTH and live[slot] = 0)
 *   otherwise:    contribution = idf × tf × (k1 + 1) / (tf + k1 × (1 − b + b × dl / averageLength))
 * then added to the slot's compact score (see Bm25Index #position). Returns the new count of touched slots.
 */
function accumulateKernel(): FunctionBuilder {
  const f = new FunctionBuilder('accumulate', [i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, f64, f64, f64, f64], [i32]);
  const [slots, freqs, length, lengths, live, position, scores, touched, touchedCount, norms, tabled, idf, k1, b, averageLength] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
  ];
  const i = f.local(i32);
  const slot = f.local(i32);
  const dl = f.local(i32);
  const at = f.local(i32);
  const address = f.local(i32);
  const tf = f.local(f64);
  const k1Plus1 = f.local(f64);
  const oneMinusB = f.local(f64);
  const contribution = f.local(f64);
  const numerator = f.local(f64);
  f.f64(1).get(k1).op(Op.f64Add).set(k1Plus1);
  f.f64(1).get(b).op(Op.f64Sub).set(oneMinusB);
  f.open(Op.block).open(Op.loop);
  f.get(i).get(length).op(Op.i32GeU).op(Op.brIf, uleb(1));
  f.get(slots).get(i).const(2).op(Op.i32Shl).op(Op.i32Add).mem(Op.i32Load, 2).set(slot);
  f.get(freqs).get(i).op(Op.i32Add).mem(Op.i32Load8U, 0).op(Op.f64ConvertI32U).set(tf);
  f.get(i).const(1).op(Op.i32Add).set(i);
  f.get(lengths).get(slot).const(2).op(Op.i32Shl).op(Op.i32Add).mem(Op.i32Load, 2).set(dl);
  // idf × tf × (k1 + 1), in the JavaScript's order.
  f.get(idf).get(tf).op(Op.f64Mul).get(k1Plus1).op(Op.f64Mul).set(numerator);
  f.get(dl).get(tabled).op(Op.i32LtU);
  f.open(Op.if);
  f.get(numerator).get(tf).get(norms).get(dl).const(3).op(Op.i32Shl).op(Op.i32Add).mem(Op.f64Load, 3).op(Op.f64Add).op(Op.f64Div).set(contribution);
  f.op(Op.else);
  // A dead slot: on to the next posting.
  f.get(live).get(slot).op(Op.i32Add).mem(Op.i32Load8U, 0).op(Op.i32Eqz).op(Op.brIf, uleb(1));
  f.get(numerator).get(tf).get(k1).get(oneMinusB).get(b).get(dl).op(Op.f64ConvertI32U).op(Op.f64Mul).get(averageLength).op(Op.f64Div);
  f.op(Op.f64Add).op(Op.f64Mul).op(Op.f64Add).op(Op.f64Div).set(contribution);
  f.op(Op.end);
  f.get(position).get(slot).const(2).op(Op.i32Shl).op(Op.i32Add).tee(address).mem(Op.i32Load, 2).tee(at);
  f.open(Op.if);
  f.get(scores).get(at).const(3).op(Op.i32Shl).op(Op.i32Add).tee(address);
  f.get(address).mem(Op.f64Load, 3).get(contribution).op(Op.f64Add).mem(Op.f64Store, 3);
  f.op(Op.else);
  f.get(touchedCount).const(1).op(Op.i32Add).set(touchedCount);
  f.get(address).get(touchedCount).mem(Op.i32Store, 2);
  f.get(touched).get(touchedCount).const(2).op(Op.i32Shl).op(Op.i32Add).get(slot).mem(Op.i32Store, 2);
  // 0 + contribution would be the same bits: a first contribution is stored as it is.
  f.get(scores).get(touchedCount).const(3).op(Op.i32Shl).op(Op.i32Add).get(contribution).mem(Op.f64Store, 3);
  f.op(Op.end);
  f.op(Op.br, uleb(0));
  f.op(Op.end).op(Op.end);
  f.get(touchedCount);
  return f;
}

/** position[touched[p]] = 0 for p in 1..count. */
function forgetKernel(): FunctionBuilder {
  const f = new FunctionBuilder('forget', [i32, i32, i32], []);
  const [position, touched, count] = [0, 1, 2];
  const p = f.local(i32);
  f.const(1).set(p);
  f.open(Op.block).open(Op.loop);
  f.get(p).get(count).op(Op.i32GtU).op(Op.brIf, uleb(1));
  f.get(position).get(touched).get(p).const(2).op(Op.i32Shl).op(Op.i32Add).mem(Op.i32Load, 2).const(2).op(Op.i32Shl).op(Op.i32Add).const(0).mem(Op.i32Store, 2);
  f.get(p).const(1).op(Op.i32Add).set(p);
  f.op(Op.br, uleb(0));
  f.op(Op.end).op(Op.end);
  return f;
}
