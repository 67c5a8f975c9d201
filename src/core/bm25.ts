// Okapi BM25 over the user's own history, kept in memory and updated one document at a time.
//
// Layout, chosen for 100k documents in a browser worker:
// - every document gets a numeric slot, handed out in increasing order; per-slot facts (id, length, liveness) live in
//   parallel typed arrays, not in an object or Map per document;
// - each term owns a posting list: two growable typed arrays (slots, term frequencies), sorted by slot because slots
//   only grow — so membership is a binary search and compaction keeps the order for free;
// - removal only clears the slot's live flag (a tombstone); postings of dead slots are skipped at query time and
//   dropped by compaction, which runs when dead slots reach a quarter of all slots, so its O(postings) cost is paid
//   once per many removals;
// - there is no forward index (slot → terms): it cost 2 bytes a posting, a fifth of the index. Document frequencies
//   stay exact all the same: after removals, the next read of them recounts every list's live postings once (one
//   pass over the postings, a few ms at 100k documents), however many documents were removed;
// - loading stored segments counts every term's postings first and sizes each list once, instead of growing it.
// Scores depend only on the live corpus (N, df, |d|, avgdl are exact integers until the final division, and query
// terms are summed in sorted order), so an index built incrementally scores exactly like one built afresh.
import { SegmentIntegrityError } from './errors';
import { KeywordArena, NORM_TABLE, grownCapacity, type KeywordKernelKind, type KeywordKernelPreference, type KeywordKernels } from './kernels/keyword-kernels';
import { postingsProblem, type PostingsPayload } from './postings';
import { smallestIds } from './top-k';

export interface Bm25Options {
  /** Term-frequency saturation; 1.2 is the usual default. */
  k1?: number;
  /** Length normalisation strength, 0 (none) to 1 (full); default DEFAULT_B (0.3). */
  b?: number;
  /** Compaction runs when dead slots are at least `minDeadSlots` and at least `deadFraction` of all slots. */
  compaction?: { minDeadSlots?: number; deadFraction?: number };
  /**
   * Which loops score a query: 'auto' (default) runs the WebAssembly kernels where WebAssembly compiles, else the
   * JavaScript ones; both give the same bits (see kernels/keyword-kernels.ts).
   */
  kernel?: KeywordKernelPreference;
}

export interface Bm25SearchOptions {
  /** How many hits at most (default 10). */
  limit?: number;
  /** Only documents for which this returns true are ranked (e.g. a kind or time range the caller asked for). */
  filter?: (id: string) => boolean;
}

/** A document and its BM25 score (see Bm25Index.rank). */
export interface RankedDocument {
  id: string;
  score: number;
}

export interface Bm25Hit extends RankedDocument {
  /**
   * The distinct query terms this document contains, in query order: what a "why this result" line can show. For a
   * group of variants, the members the document contains (its own words: "hiked" for a query "hiking").
   */
  matchedTerms: string[];
}

/**
 * One query term: a plain term, or a group of variants of one word ("hike", "hiked", "hiking") that scores as a
 * single term — its tf in a document is the sum of its members' tfs and its df counts documents holding any member —
 * so a document using two forms of a word is not counted twice and a rare form does not outweigh the word itself.
 */
export type QueryTerm = string | readonly string[];

/** What `SegmentStore.load` returns for a postings space (only the fields the index reads). */
export interface LoadedPostingsSpace {
  segments: readonly { ids: readonly string[]; postings?: PostingsPayload; live: Uint8Array }[];
}

export interface Bm25Stats {
  documents: number;
  slots: number;
  deadSlots: number;
  terms: number;
  postings: number;
  averageLength: number;
}

/**
 * Length normalisation. The usual 0.75 was tuned on long documents (news, web pages), where a long one is long
 * because it covers more topics. A user's history is chat turns, notes and titles: a longer one is mostly more
 * talkative, not less focused, so penalising its length buries relevant turns. On LoCoMo's tuning conversations
 * (bench/locomo.ts) 0.3 raised BM25's recall@10 by about 4 points, and held-out conversations agreed. It only
 * changes scoring, never the stored postings.
 */
export const DEFAULT_B = 0.3;

/**
 * Frequencies are held in 8 bits, loaded and added alike. BM25 saturates long before: at k1 1.2 a term seen 255
 * times already scores 99.5% of its limit, and a short history item never gets near it. One byte per posting less
 * is 1.2 MB at 100k events.
 */
const MAX_STORED_FREQUENCY = 0xff;

/**
 * What a dead slot's length reads: past any norm table, so the search's hot loop sends it to the path that checks
 * liveness and needs no read of the live flags for live documents.
 */
const DEAD_LENGTH = 0xffff_ffff;

const NO_SLOTS = new Uint32Array(0);
const NO_FREQS = new Uint8Array(0);

function grown<A extends Uint8Array | Uint16Array | Uint32Array>(array: A, needed: number): A {
  if (needed <= array.length) return array;
  const next = new (array.constructor as new (length: number) => A)(grownCapacity(array.length, needed));
  next.set(array);
  return next;
}

/**
 * The documents containing one term: slots ascending, with their term frequencies; `live` is its exact df once the
 * index has recounted after removals (Bm25Index #recount).
 */
class PostingList {
  // Most terms of a vocabulary occur once or twice: a list starts with no storage (typed-array allocation is costly
  // in V8) and gets it on the first push or reserve. The shared empty arrays are never written.
  slots = NO_SLOTS;
  freqs = NO_FREQS;
  length = 0;
  live = 0;

  push(slot: number, freq: number): void {
    if (this.length === this.slots.length) {
      this.slots = grown(this.slots, this.length + 1);
      this.freqs = grown(this.freqs, this.length + 1);
    }
    this.slots[this.length] = slot;
    this.freqs[this.length] = freq;
    this.length++;
    this.live++;
  }

  /** Makes room for `extra` more postings at once (a bulk load knows its counts up front). */
  reserve(extra: number): void {
    if (this.length + extra <= this.slots.length) return;
    const capacity = this.length + extra;
    const slots = new Uint32Array(capacity);
    slots.set(this.slots.subarray(0, this.length));
    const freqs = new Uint8Array(capacity);
    freqs.set(this.freqs.subarray(0, this.length));
    this.slots = slots;
    this.freqs = freqs;
  }

  contains(slot: number): boolean {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const found = this.slots[mid] as number;
      if (found === slot) return true;
      if (found < slot) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Drops dead slots and renumbers the rest (`renumbered[old]` is the new slot, -1 when dead); order is kept. */
  renumber(renumbered: Int32Array): void {
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      const slot = renumbered[this.slots[i] as number] as number;
      if (slot < 0) continue;
      this.slots[kept] = slot;
      this.freqs[kept] = this.freqs[i] as number;
      kept++;
    }
    this.length = kept;
    // Give back memory when most of a list died, so churn does not leave every list at its high-water mark.
    if (this.slots.length > 16 && kept < this.slots.length >> 2) {
      this.slots = this.slots.slice(0, Math.max(kept * 2, 4));
      this.freqs = this.freqs.slice(0, Math.max(kept * 2, 4));
    }
  }
}

export class Bm25Index {
  readonly k1: number;
  readonly b: number;
  readonly #minDeadSlots: number;
  readonly #deadFraction: number;

  // Per slot: ids here; lengths, live flags and query positions in the arena (with the query scratch).
  #ids: string[] = [];
  readonly #arena: KeywordArena;
  #slotCount = 0;
  #slotOf = new Map<string, number>();

  // Per term.
  #termNumber = new Map<string, number>();
  #termNames: string[] = [];
  #lists: PostingList[] = [];

  // Live-corpus statistics.
  #liveCount = 0;
  #deadSlots = 0;
  #totalLength = 0;
  /** Documents were removed since the lists' live counts (df) were last counted: recount before reading them. */
  #dfStale = false;

  // Query scratch, reused so a search allocates nothing proportional to the corpus.
  // A query's scores are kept compact, in the order documents are first touched: the arena's position[slot] is the
  // 1-based position of the slot's score in its scores (0: not touched yet) and touched[position] the slot. Scoring
  // then makes one random access per posting into a Uint32 array half the size of a Float64 one, and ranking reads
  // the scores in sequence instead of at random.
  /** A group's summed tf per slot and the slots it touched (zeroed again after each group). */
  #groupTf = new Uint32Array(0);
  #groupSlots = new Uint32Array(0);
  /** The best slots of a query, as a heap and then sorted (see #best). */
  #heap = new Uint32Array(0);
  #heapScores = new Float64Array(0);
  /**
   * The arena's norm table, k1 × (1 − b + b × |d| / avgdl) per document length |d| below #normSize, holds the
   * values for this avgdl: the per-posting division then becomes a lookup. Same expression, so the same bits as
   * computing it in place.
   */
  #normSize = 0;
  #normAverageLength = Number.NaN;
  /** See #onceTable: reused for each long term of a query. */
  #once = new Float64Array(0);
  /** The longest document length ever set (an upper bound: it never shrinks), which sizes #normByLength. */
  #maxLength = 0;

  constructor(options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? DEFAULT_B;
    if (!(this.k1 >= 0) || !Number.isFinite(this.k1)) throw new RangeError(`k1 must be a finite number ≥ 0, got ${this.k1}`);
    if (!(this.b >= 0 && this.b <= 1)) throw new RangeError(`b must be between 0 and 1, got ${this.b}`);
    this.#minDeadSlots = options.compaction?.minDeadSlots ?? 1_024;
    this.#deadFraction = options.compaction?.deadFraction ?? 0.25;
    this.#arena = new KeywordArena(options.kernel ?? 'auto');
  }

  /** Which loops score queries: the WebAssembly kernels, or the JavaScript fallback. */
  get kernel(): KeywordKernelKind {
    return this.#arena.kind;
  }

  /** An index over the live slots of a postings space, without re-tokenizing anything. */
  static fromSegments(loaded: LoadedPostingsSpace, options?: Bm25Options): Bm25Index {
    const index = new Bm25Index(options);
    index.loadSegments(loaded);
    return index;
  }

  /** Live documents. */
  get size(): number {
    return this.#liveCount;
  }

  has(id: string): boolean {
    return this.#slotOf.has(id);
  }

  /** Whether some live document contains `term` (query expansion keeps only variants the index holds). */
  hasTerm(term: string): boolean {
    return this.#liveListOf(term) !== undefined;
  }

  stats(): Bm25Stats {
    this.#recount();
    let postings = 0;
    for (const list of this.#lists) postings += list.length;
    return {
      documents: this.#liveCount,
      slots: this.#slotCount,
      deadSlots: this.#deadSlots,
      terms: this.#termNames.length,
      postings,
      averageLength: this.#liveCount === 0 ? 0 : this.#totalLength / this.#liveCount,
    };
  }

  /**
   * Bytes held by the index's typed arrays (ids, the term dictionary and Maps excluded), for the memory budget:
   * posting lists at their capacity, per-document arrays and the per-query scratch.
   */
  get bytes(): number {
    let bytes = 0;
    for (const list of this.#lists) bytes += list.slots.byteLength + list.freqs.byteLength;
    for (const array of [this.#groupTf, this.#groupSlots, this.#heap, this.#heapScores, this.#once]) bytes += array.byteLength;
    return bytes + this.#arena.byteLength;
  }

  /** Adds a document (term → frequency, e.g. from `termFrequencies`); an id already present is replaced. */
  add(id: string, terms: ReadonlyMap<string, number>): void {
    for (const [term, freq] of terms) {
      if (!Number.isInteger(freq) || freq <= 0) throw new RangeError(`term frequency of "${term}" must be a positive integer`);
    }
    if (this.#slotOf.has(id)) this.#removeSlot(this.#slotOf.get(id) as number);
    const slot = this.#newSlot(id);
    let length = 0;
    for (const [term, freq] of terms) {
      (this.#lists[this.#termNumberOf(term)] as PostingList).push(slot, Math.min(freq, MAX_STORED_FREQUENCY));
      length += freq;
    }
    this.#setLength(slot, length);
    this.#maybeCompact();
  }

  /** Removes a document; returns whether it was there. */
  remove(id: string): boolean {
    const slot = this.#slotOf.get(id);
    if (slot === undefined) return false;
    this.#removeSlot(slot);
    this.#maybeCompact();
    return true;
  }

  /**
   * Adds the live slots of postings segments (as `SegmentStore.load` returns them, in segment order) straight from
   * their payloads. Ids already in the index are replaced; an id live in several segments is taken from the last,
   * and within one segment from its first slot, as the store resolves it. Malformed payloads are refused with
   * SegmentIntegrityError before anything changes.
   */
  loadSegments(loaded: LoadedPostingsSpace): void {
    this.#loadAll(loaded.segments);
    this.#maybeCompact();
  }

  /**
   * The `limit` best live documents for the query terms, best first; equal scores are ordered by id so results are
   * deterministic. Each distinct query term counts once; a group of variants counts as one term (see QueryTerm).
   * Documents matching no term are never returned.
   */
  search(queryTerms: Iterable<QueryTerm>, options: Bm25SearchOptions = {}): Bm25Hit[] {
    return this.#search(queryTerms, options, true) as Bm25Hit[];
  }

  /**
   * What `search` finds, without each hit's matched terms: for a caller that shows only a few of the hits (a
   * hybrid query fuses 50 and keeps 10), which then asks `matchedTerms` for those.
   */
  rank(queryTerms: Iterable<QueryTerm>, options: Bm25SearchOptions = {}): RankedDocument[] {
    return this.#search(queryTerms, options, false);
  }

  /** For each of `ids`, the query terms its document contains, as `search` reports them ([] for an unknown id). */
  matchedTerms(ids: readonly string[], queryTerms: Iterable<QueryTerm>): string[][] {
    const groups = this.#queryGroups(queryTerms);
    const members = groups.flatMap((group) => group.members);
    const lists = groups.flatMap((group) => group.lists);
    return ids.map((id) => {
      const slot = this.#slotOf.get(id);
      return slot === undefined ? [] : matchedTerms(slot, members, lists);
    });
  }

  #search(queryTerms: Iterable<QueryTerm>, options: Bm25SearchOptions, withTerms: boolean): RankedDocument[] {
    const limit = options.limit ?? 10;
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a whole number ≥ 0, got ${limit}`);
    this.#recount();
    const groups = this.#queryGroups(queryTerms);
    if (limit === 0 || groups.length === 0) return [];

    // A query touches at most the postings of its lists: the compact scores need no room beyond that (a rare-word
    // query then holds kilobytes of scratch, not a slot's worth per document). The kernels read one single-term
    // list at a time, copied in.
    let postings = 0;
    let longest = 0;
    for (const { lists } of groups) {
      for (const list of lists) postings += list.length;
      if (lists.length === 1) longest = Math.max(longest, (lists[0] as PostingList).length);
    }
    const arena = this.#arena;
    const touchable = Math.min(postings, this.#slotCount);
    arena.reserveQuery(touchable, Math.min(limit, touchable), arena.kernels ? longest : 0);
    const documents = this.#liveCount;
    const averageLength = this.#totalLength / documents;
    const tabled = this.#norms(averageLength);
    let touchedCount = 0;
    try {
      for (const { lists } of [...groups].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))) {
        touchedCount =
          lists.length > 1
            ? this.#scoreGroup(lists, documents, averageLength, tabled, touchedCount)
            : this.#scoreTerm(lists[0] as PostingList, documents, averageLength, tabled, touchedCount);
      }
      const size = arena.kernels && !options.filter ? this.#bestByKernel(touchedCount, limit) : this.#bestByHeap(touchedCount, limit, options.filter);
      return this.#hits(size, withTerms ? groups : undefined);
    } finally {
      this.#forget(touchedCount);
    }
  }

  /** Every touched slot's position back to 0, for the next query. */
  #forget(touchedCount: number): void {
    const arena = this.#arena;
    if (arena.kernels) {
      arena.kernels.forget(arena.layout.position, arena.layout.touched, touchedCount);
      return;
    }
    const { position, touched } = arena;
    for (let at = 1; at <= touchedCount; at++) position[touched[at] as number] = 0;
  }

  /** Adds one term's contributions to the query's scores; returns the new count of touched slots. */
  #scoreTerm(list: PostingList, documents: number, averageLength: number, tabled: number, touchedCount: number): number {
    const df = list.live;
    const idf = Math.log(1 + (documents - df + 0.5) / (df + 0.5));
    const length = list.length;
    const arena = this.#arena;
    const kernels = arena.kernels;
    if (kernels) {
      arena.postingSlots.set(list.slots.subarray(0, length));
      arena.postingFreqs.set(list.freqs.subarray(0, length));
      const l = arena.layout;
      return kernels.accumulate(l.postingSlots, l.postingFreqs, length, l.lengths, l.live, l.position, l.scores, l.touched, touchedCount, l.norms, tabled, idf, this.k1, this.b, averageLength);
    }
    // The fallback, written out: this loop is the whole cost of a query. Every contribution is > 0 (idf > 0, tf ≥ 1),
    // so a zero score means "not touched yet".
    const { position, scores, touched, live, lengths, norms } = arena;
    const { k1, b } = this;
    const k1Plus1 = k1 + 1;
    const { slots, freqs } = list;
    const once = this.#onceTable(idf, tabled, length);
    for (let i = 0; i < length; i++) {
      const slot = slots[i] as number;
      const dl = lengths[slot] as number;
      const tf = freqs[i] as number;
      let contribution: number;
      // A dead slot's length reads DEAD_LENGTH (see #removeSlot), past the table: liveness is checked only there.
      if (dl < tabled) contribution = tf === 1 && once ? (once[dl] as number) : (idf * tf * k1Plus1) / (tf + (norms[dl] as number));
      else if (live[slot] === 0) continue;
      else contribution = (idf * tf * k1Plus1) / (tf + k1 * (1 - b + (b * dl) / averageLength));
      const at = position[slot] as number;
      if (at === 0) {
        // 0 + contribution is exactly contribution: the same bits as accumulating from zero.
        position[slot] = ++touchedCount;
        touched[touchedCount] = slot;
        scores[touchedCount] = contribution;
      } else scores[at] = (scores[at] as number) + contribution;
    }
    return touchedCount;
  }

  /**
   * A term's contribution at tf 1 per document length, over the norm table, computed by the very expression the
   * loops use (so the same bits), when the term has more postings than the table has lengths; else undefined, and
   * the loops divide in place. Most postings have tf 1, so a long list's loop mostly reads instead of dividing.
   */
  #onceTable(idf: number, tabled: number, postings: number): Float64Array | undefined {
    if (postings <= tabled) return undefined;
    if (this.#once.length < tabled) this.#once = new Float64Array(tabled);
    const once = this.#once;
    const norms = this.#arena.norms;
    const tf = 1;
    const k1Plus1 = this.k1 + 1;
    for (let dl = 0; dl < tabled; dl++) once[dl] = (idf * tf * k1Plus1) / (tf + (norms[dl] as number));
    return once;
  }

  /**
   * Fills the arena's norm table for `averageLength` (see #normSize), only when avgdl or the longest length changed;
   * returns how many lengths it holds.
   */
  #norms(averageLength: number): number {
    // Lengths past the table (rare: documents are capped at MAX_TOKENS_PER_TEXT terms) are computed in place.
    const size = Math.min(this.#maxLength + 1, NORM_TABLE);
    if (averageLength === this.#normAverageLength && this.#normSize === size) return size;
    const { k1, b } = this;
    const table = this.#arena.norms;
    for (let dl = 0; dl < size; dl++) table[dl] = k1 * (1 - b + (b * dl) / averageLength);
    this.#normAverageLength = averageLength;
    this.#normSize = size;
    return size;
  }

  /**
   * Distinct query terms and groups that the index holds, in query order (for matchedTerms), each with its live
   * posting lists and a key; scoring visits them by key, so a score does not depend on the query's word order.
   */
  #queryGroups(queryTerms: Iterable<QueryTerm>): { key: string; members: string[]; lists: PostingList[] }[] {
    const byKey = new Map<string, { key: string; members: string[]; lists: PostingList[] }>();
    for (const term of queryTerms) {
      const members = (typeof term === 'string' ? [term] : [...new Set(term)].sort()).filter((member) => this.#liveListOf(member) !== undefined);
      if (members.length === 0) continue;
      const key = members.join('\u0000');
      if (!byKey.has(key)) byKey.set(key, { key, members, lists: members.map((member) => this.#liveListOf(member) as PostingList) });
    }
    return [...byKey.values()];
  }

  /**
   * A group's tf per document and its df (documents holding any member), then one contribution per document, added
   * as the single-term loop adds it. Returns the new count of touched slots.
   */
  #scoreGroup(lists: readonly PostingList[], documents: number, averageLength: number, tabled: number, touchedCount: number): number {
    if (this.#groupTf.length < this.#slotCount) this.#groupTf = new Uint32Array(this.#slotCount);
    let postings = 0;
    for (const list of lists) postings += list.length;
    if (this.#groupSlots.length < Math.min(postings, this.#slotCount)) this.#groupSlots = new Uint32Array(Math.min(postings, this.#slotCount));
    const tf = this.#groupTf;
    const slots = this.#groupSlots;
    const { position, scores, touched, live, lengths, norms } = this.#arena;
    let df = 0;
    for (const list of lists) {
      const { slots: listSlots, freqs } = list;
      const length = list.length;
      for (let i = 0; i < length; i++) {
        const slot = listSlots[i] as number;
        if (live[slot] === 0) continue;
        const before = tf[slot] as number;
        if (before === 0) slots[df++] = slot;
        tf[slot] = before + (freqs[i] as number);
      }
    }
    const idf = Math.log(1 + (documents - df + 0.5) / (df + 0.5));
    const { k1, b } = this;
    const k1Plus1 = k1 + 1;
    const once = this.#onceTable(idf, tabled, df);
    // Each document gets one contribution, so the order they are visited in does not change any score.
    for (let i = 0; i < df; i++) {
      const slot = slots[i] as number;
      const docTf = tf[slot] as number;
      tf[slot] = 0;
      const dl = lengths[slot] as number;
      let contribution: number;
      if (dl < tabled) contribution = docTf === 1 && once ? (once[dl] as number) : (idf * docTf * k1Plus1) / (docTf + (norms[dl] as number));
      else contribution = (idf * docTf * k1Plus1) / (docTf + k1 * (1 - b + (b * dl) / averageLength));
      const at = position[slot] as number;
      if (at === 0) {
        position[slot] = ++touchedCount;
        touched[touchedCount] = slot;
        scores[touchedCount] = contribution;
      } else scores[at] = (scores[at] as number) + contribution;
    }
    return touchedCount;
  }

  /** Drops dead slots and unused terms now, renumbering slots densely (also runs by itself as documents die). */
  compact(): void {
    if (this.#deadSlots === 0) return;
    this.#recount();
    const renumbered = new Int32Array(this.#slotCount).fill(-1);
    let slots = 0;
    const { live, lengths } = this.#arena;
    for (let slot = 0; slot < this.#slotCount; slot++) if (live[slot] === 1) renumbered[slot] = slots++;

    const termNames: string[] = [];
    const lists: PostingList[] = [];
    this.#termNumber = new Map();
    this.#termNames.forEach((term, number) => {
      const list = this.#lists[number] as PostingList;
      if (list.live === 0) return;
      list.renumber(renumbered);
      this.#termNumber.set(term, termNames.length);
      termNames.push(term);
      lists.push(list);
    });

    // Lengths move down in place (a slot's new number is never above its old one); the arena keeps its capacity.
    const ids: string[] = new Array<string>(slots);
    for (let slot = 0; slot < this.#slotCount; slot++) {
      const next = renumbered[slot] as number;
      if (next < 0) continue;
      const id = this.#ids[slot] as string;
      ids[next] = id;
      this.#slotOf.set(id, next);
      lengths[next] = lengths[slot] as number;
    }
    lengths.fill(0, slots, this.#slotCount);
    live.fill(1, 0, slots).fill(0, slots, this.#slotCount);

    this.#ids = ids;
    this.#termNames = termNames;
    this.#lists = lists;
    this.#slotCount = slots;
    this.#deadSlots = 0;
  }

  #liveListOf(term: string): PostingList | undefined {
    this.#recount();
    const number = this.#termNumber.get(term);
    if (number === undefined) return undefined;
    const list = this.#lists[number] as PostingList;
    return list.live > 0 ? list : undefined;
  }

  /**
   * The best `limit` of the touched positions (see #position), best first, into #heap and #heapScores; returns how
   * many. Equal scores: the smaller id first. A bounded min-heap of positions whose root is the worst kept, written
   * out here rather than through TopK: a query touches thousands of documents and BM25 scores tie often (same term,
   * same tf, same length), so most candidates are decided by an inline comparison with the root instead of a
   * comparator call. The fallback, and the path for filtered queries.
   */
  #bestByHeap(count: number, limit: number, filter?: (id: string) => boolean): number {
    this.#reserveBest(limit);
    const { scores, touched } = this.#arena;
    const ids = this.#ids;
    // The heap holds positions (see #position) and, beside them, their scores, so a comparison reads no score
    // through a position; ids are compared only between equal scores. Written out, without a comparator function.
    const heap = this.#heap;
    const heapScores = this.#heapScores;
    let size = 0;
    let candidate = 1;
    // Fill the heap with the first `limit` candidates the filter allows (append and sift up).
    for (; size < limit && candidate <= count; candidate++) {
      if (filter && !filter(ids[touched[candidate] as number] as string)) continue;
      const score = scores[candidate] as number;
      let at = size++;
      while (at > 0) {
        const parentAt = (at - 1) >> 1;
        const parentScore = heapScores[parentAt] as number;
        // Stop when the candidate does not rank below its parent.
        if (score > parentScore || (score === parentScore && (ids[touched[candidate] as number] as string) < (ids[touched[heap[parentAt] as number] as number] as string))) break;
        heap[at] = heap[parentAt] as number;
        heapScores[at] = parentScore;
        at = parentAt;
      }
      heap[at] = candidate;
      heapScores[at] = score;
    }
    // Then most candidates score under the worst kept, a local here: rejected by one comparison.
    let worstScore = size > 0 ? (heapScores[0] as number) : Number.POSITIVE_INFINITY;
    for (; candidate <= count; candidate++) {
      const score = scores[candidate] as number;
      if (score < worstScore) continue;
      if (score === worstScore && (ids[touched[candidate] as number] as string) > (ids[touched[heap[0] as number] as number] as string)) continue;
      if (filter && !filter(ids[touched[candidate] as number] as string)) continue;
      // Replace the root and sift it down: at each level the child that ranks lower moves up while it ranks below
      // the candidate.
      let at = 0;
      const half = size >> 1;
      while (at < half) {
        let child = 2 * at + 1;
        let childScore = heapScores[child] as number;
        const right = child + 1;
        if (right < size) {
          const rightScore = heapScores[right] as number;
          if (rightScore < childScore || (rightScore === childScore && (ids[touched[heap[right] as number] as number] as string) > (ids[touched[heap[child] as number] as number] as string))) {
            child = right;
            childScore = rightScore;
          }
        }
        if (childScore > score || (childScore === score && (ids[touched[heap[child] as number] as number] as string) < (ids[touched[candidate] as number] as string))) break;
        heap[at] = heap[child] as number;
        heapScores[at] = childScore;
        at = child;
      }
      heap[at] = candidate;
      heapScores[at] = score;
      worstScore = heapScores[0] as number;
    }
    this.#sortBest(size);
    return size;
  }

  /**
   * What #bestByHeap finds, through the kernels: the limit-th best score as a plain number, then the positions
   * above it and, of those equal to it, the ones with the smallest ids. Only ties ever compare ids.
   */
  #bestByKernel(count: number, limit: number): number {
    const arena = this.#arena;
    const kernels = arena.kernels as KeywordKernels;
    const l = arena.layout;
    const size = Math.min(limit, count);
    this.#reserveBest(size);
    const heap = this.#heap;
    // Every touched position when there are no more than asked for; else the `size` best.
    const above = size < count ? kernels.partition(l.scores, count, kernels.kthLargest(l.scores, count, size, l.heap), l.above, l.tied, l.tiedCount, 0) : size;
    if (size === count) for (let i = 0; i < size; i++) heap[i] = i + 1;
    else heap.set(arena.above.subarray(0, above));
    if (above < size) {
      const { touched } = arena;
      const ids = this.#ids;
      const idOf = (position: number): string => ids[touched[position] as number] as string;
      smallestIds(arena.tied, arena.tiedCount, heap.subarray(above, size), idOf);
    }
    const { scores } = arena;
    const heapScores = this.#heapScores;
    for (let i = 0; i < size; i++) heapScores[i] = scores[heap[i] as number] as number;
    this.#sortBest(size);
    return size;
  }

  #reserveBest(limit: number): void {
    if (this.#heap.length < limit) {
      this.#heap = new Uint32Array(limit);
      this.#heapScores = new Float64Array(limit);
    }
  }

  /** Sorts the first `size` positions of #heap (scores beside them in #heapScores) best first: insertion, ≤ limit. */
  #sortBest(size: number): void {
    const heap = this.#heap;
    const heapScores = this.#heapScores;
    const { touched } = this.#arena;
    const ids = this.#ids;
    for (let i = 1; i < size; i++) {
      const position = heap[i] as number;
      const score = heapScores[i] as number;
      let j = i - 1;
      for (; j >= 0; j--) {
        const otherScore = heapScores[j] as number;
        // Stop at the first that ranks above: a higher score, or an equal score and a smaller id.
        if (otherScore > score || (otherScore === score && (ids[touched[heap[j] as number] as number] as string) < (ids[touched[position] as number] as string))) break;
        heap[j + 1] = heap[j] as number;
        heapScores[j + 1] = otherScore;
      }
      heap[j + 1] = position;
      heapScores[j + 1] = score;
    }
  }

  /** Hits for the first `size` positions of #heap; with `groups`, with the query terms each document contains. */
  #hits(size: number, groups: readonly { members: string[]; lists: PostingList[] }[] | undefined): RankedDocument[] {
    const heap = this.#heap;
    const { scores, touched } = this.#arena;
    const ids = this.#ids;
    const hits = new Array<RankedDocument>(size);
    if (!groups) {
      for (let i = 0; i < size; i++) {
        const at = heap[i] as number;
        hits[i] = { id: ids[touched[at] as number] as string, score: scores[at] as number };
      }
      return hits;
    }
    // The query's members in query order (groups in query order, members in group order) and their lists.
    const members = groups.flatMap((group) => group.members);
    const lists = groups.flatMap((group) => group.lists);
    for (let i = 0; i < size; i++) {
      const at = heap[i] as number;
      const slot = touched[at] as number;
      const hit: Bm25Hit = { id: ids[slot] as string, score: scores[at] as number, matchedTerms: matchedTerms(slot, members, lists) };
      hits[i] = hit;
    }
    return hits;
  }

  #termNumberOf(term: string): number {
    let number = this.#termNumber.get(term);
    if (number === undefined) {
      number = this.#termNames.length;
      this.#termNumber.set(term, number);
      this.#termNames.push(term);
      this.#lists.push(new PostingList());
    }
    return number;
  }

  /** Claims the next slot for `id`; postings are the caller's job. */
  #newSlot(id: string): number {
    const slot = this.#slotCount++;
    this.#arena.reserveSlots(this.#slotCount);
    this.#ids[slot] = id;
    this.#slotOf.set(id, slot);
    this.#arena.live[slot] = 1;
    this.#liveCount++;
    return slot;
  }

  #setLength(slot: number, length: number): void {
    this.#arena.lengths[slot] = length;
    if (length > this.#maxLength) this.#maxLength = length;
    this.#totalLength += length;
  }

  #removeSlot(slot: number): void {
    const { live, lengths } = this.#arena;
    live[slot] = 0;
    this.#slotOf.delete(this.#ids[slot] as string);
    this.#liveCount--;
    this.#deadSlots++;
    this.#totalLength -= lengths[slot] as number;
    lengths[slot] = DEAD_LENGTH;
    this.#dfStale = true;
  }

  /** Makes every list's live count its exact df again after removals: one pass over all postings. */
  #recount(): void {
    if (!this.#dfStale) return;
    const live = this.#arena.live;
    for (const list of this.#lists) {
      const { slots, length } = list;
      let count = 0;
      for (let i = 0; i < length; i++) count += live[slots[i] as number] as number;
      list.live = count;
    }
    this.#dfStale = false;
  }

  #maybeCompact(): void {
    if (this.#deadSlots >= this.#minDeadSlots && this.#deadSlots >= this.#slotCount * this.#deadFraction) this.compact();
  }

  /**
   * Two passes over the payloads: the first picks the slots that become documents and counts each term's postings,
   * so every posting list grows once to its final size; the second fills them. Growing lists one push at a time
   * instead spent most of a 100k-document load copying arrays and collecting garbage.
   */
  #loadAll(segments: LoadedPostingsSpace['segments']): void {
    const taken = this.#chooseSlots(segments);
    // Pass 1: payload term i of segment s is index term numbers[s][i] (-1: no taken posting), and each term's count.
    const termNumbers: Int32Array[] = [];
    let additions = new Uint32Array(this.#termNames.length + 1_024);
    segments.forEach((segment, s) => {
      const take = taken[s];
      const { postings } = segment;
      const numbers = new Int32Array(postings?.terms.length ?? 0).fill(-1);
      termNumbers.push(numbers);
      if (!take || !postings) return;
      const { terms, termOffsets, docs } = postings;
      for (let i = 0; i < terms.length; i++) {
        let count = 0;
        const end = termOffsets[i + 1] as number;
        for (let p = termOffsets[i] as number; p < end; p++) count += take[docs[p] as number] as number;
        if (count === 0) continue;
        const number = this.#termNumberOf(terms[i] as string);
        numbers[i] = number;
        additions = grown(additions, number + 1);
        additions[number] = (additions[number] as number) + count;
      }
    });
    for (let number = 0; number < this.#termNames.length; number++) {
      const count = additions[number] ?? 0;
      if (count > 0) (this.#lists[number] as PostingList).reserve(count);
    }
    // Pass 2: slots, lengths and postings.
    segments.forEach((segment, s) => {
      const take = taken[s];
      if (take && segment.postings) this.#fillSegment(segment.ids, segment.postings, take, termNumbers[s] as Int32Array);
    });
  }

  #fillSegment(ids: readonly string[], postings: PostingsPayload, take: Uint8Array, numbers: Int32Array): void {
    const slotOfLocal = new Int32Array(ids.length).fill(-1);
    for (let local = 0; local < ids.length; local++) {
      if (take[local] !== 1) continue;
      const slot = this.#newSlot(ids[local] as string);
      slotOfLocal[local] = slot;
      this.#setLength(slot, postings.docLengths[local] as number);
    }
    const { terms, termOffsets, docs, freqs } = postings;
    for (let i = 0; i < terms.length; i++) {
      const number = numbers[i] as number;
      if (number < 0) continue;
      const list = this.#lists[number] as PostingList;
      const end = termOffsets[i + 1] as number;
      for (let p = termOffsets[i] as number; p < end; p++) {
        const slot = slotOfLocal[docs[p] as number] as number;
        if (slot < 0) continue;
        list.push(slot, Math.min(freqs[p] as number, MAX_STORED_FREQUENCY));
      }
    }
  }

  /**
   * Which slots of which segments become documents: live ones; an id live in several segments is taken from the
   * last, and within one segment from its first slot — as `resolveSpace` decides. Ids the index already holds are
   * removed (the loaded copy replaces them). Checks every payload before anything changes.
   */
  #chooseSlots(segments: LoadedPostingsSpace['segments']): (Uint8Array | undefined)[] {
    const winner = new Map<string, { segment: number; local: number }>();
    segments.forEach(({ ids, postings, live }, s) => {
      if (!live.includes(1)) return;
      if (!postings) throw new SegmentIntegrityError('A keyword segment has no postings; it was written by something other than appendPostings.');
      if (postings.docLengths.length !== ids.length || live.length !== ids.length) {
        throw new SegmentIntegrityError(`A keyword segment holds ${postings.docLengths.length} documents for ${ids.length} ids.`);
      }
      const problem = postingsProblem(postings, ids.length);
      if (problem) throw new SegmentIntegrityError(`A keyword segment cannot be loaded: ${problem}.`);
      ids.forEach((id, local) => {
        if (live[local] === 1 && winner.get(id)?.segment !== s) winner.set(id, { segment: s, local });
      });
    });
    const taken = segments.map(({ ids, live }) => (live.includes(1) ? new Uint8Array(ids.length) : undefined));
    for (const [id, { segment, local }] of winner) {
      (taken[segment] as Uint8Array)[local] = 1;
      const existing = this.#slotOf.get(id);
      if (existing !== undefined) this.#removeSlot(existing);
    }
    return taken;
  }
}

/**
 * The distinct `members` (query order) that the live document in `slot` contains: a binary search of each member's
 * posting list (`lists[m]` is members[m]'s), a few dozen steps for the handful of hits a query returns.
 */
function matchedTerms(slot: number, members: readonly string[], lists: readonly PostingList[]): string[] {
  const found: string[] = [];
  members.forEach((member, m) => {
    if (!found.includes(member) && (lists[m] as PostingList).contains(slot)) found.push(member);
  });
  return found;
}
