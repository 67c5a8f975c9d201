// Retrieval over the user's own history: BM25 and dense search each propose candidates, reciprocal rank fusion
// merges them, recency shapes the result and MMR keeps near-duplicates out. Filters by kind, source and time apply
// inside both searches, and every hit carries the parts of its score (for the "why this answer" view).
import { Bm25Index } from './bm25';
import { applyRecency, mmr, reciprocalRankFusion, type FusedHit, type ScoreParts } from './fusion';
import type { EventFacets, EventKind } from './history-event';
import { wordsTokenizer, type Tokenizer } from './tokenizer';
import { VectorIndex } from './vector-index';

export type DocumentMeta = EventFacets;

export interface RetrieveOptions {
  limit?: number;
  kinds?: readonly EventKind[];
  sources?: readonly string[];
  /** Inclusive time window on the event's ts. */
  from?: number;
  to?: number;
  /** Reference time for recency; default: no recency decay. */
  now?: number;
  /** Age at which recency halves an item's weight; default 30 days when `now` is given. */
  halfLifeMs?: number;
  /** Share of the score an item keeps however old it is (default 0.5). */
  recencyFloor?: number;
  /** MMR trade-off: 1 = relevance only (no diversification); default 0.7. */
  mmrLambda?: number;
  /** Candidates each list proposes before fusion (default max(50, 5 × limit)). */
  depth?: number;
  /** Per-list weights in the fusion (default 1 each). */
  weights?: { keyword?: number; dense?: number };
  /** Full-precision vectors for the dense list's final re-rank (see VectorIndex). */
  exact?: (id: string) => Float32Array | undefined;
}

export interface RetrievalHit {
  id: string;
  score: number;
  parts: ScoreParts & { matchedTerms: string[] };
}

const DAY = 86_400_000;

export class HybridRetriever {
  readonly keyword: Bm25Index;
  #dense: VectorIndex | undefined;
  readonly #meta = new Map<string, DocumentMeta>();

  constructor(readonly tokenizer: Tokenizer = wordsTokenizer, keyword = new Bm25Index()) {
    this.keyword = keyword;
  }

  get dense(): VectorIndex | undefined {
    return this.#dense;
  }

  get size(): number {
    return this.#meta.size;
  }

  /** Indexes an event's text for keyword search and records what filters and recency need. */
  addDocument(id: string, text: string, meta: DocumentMeta): void {
    this.keyword.add(id, this.tokenizer.termFrequencies(text));
    this.#meta.set(id, meta);
  }

  hasMeta(id: string): boolean {
    return this.#meta.has(id);
  }

  /** Records metadata for documents whose postings were loaded from the store's segments. */
  setMeta(id: string, meta: DocumentMeta): void {
    this.#meta.set(id, meta);
  }

  /** Adds or replaces vectors (ids.length × dim floats). The first call fixes the dimension. */
  addVectors(ids: readonly string[], vectors: Float32Array, dim: number): void {
    this.#dense ??= new VectorIndex(dim, Math.max(1_024, ids.length));
    this.#dense.addMany(ids, vectors);
  }

  /** Replaces the dense index (after a model switch). */
  resetVectors(): void {
    this.#dense = undefined;
  }

  remove(ids: Iterable<string>): void {
    for (const id of ids) {
      this.keyword.remove(id);
      this.#dense?.remove(id);
      this.#meta.delete(id);
    }
  }

  retrieve(query: { text: string; vector?: Float32Array }, options: RetrieveOptions = {}): RetrievalHit[] {
    const limit = options.limit ?? 10;
    if (limit < 1) return [];
    const depth = options.depth ?? Math.max(50, 5 * limit);
    const filter = this.#filter(options);
    const queryTerms = [...this.tokenizer.termFrequencies(query.text).keys()];
    const keywordHits = this.keyword.search(queryTerms, { limit: depth, ...(filter ? { filter } : {}) });
    const matched = new Map(keywordHits.map((hit) => [hit.id, hit.matchedTerms]));
    const lists: Record<string, { id: string; score: number }[]> = { keyword: keywordHits };
    if (query.vector && this.#dense) {
      lists.dense = this.#dense.search(query.vector, { limit: depth, ...(filter ? { filter } : {}), ...(options.exact ? { exact: options.exact } : {}) });
    }
    let hits: FusedHit[] = reciprocalRankFusion(lists, { weights: { keyword: options.weights?.keyword ?? 1, dense: options.weights?.dense ?? 1 } });
    if (options.now !== undefined) {
      hits = applyRecency(hits, (id) => this.#meta.get(id)?.ts, {
        now: options.now,
        halfLifeMs: options.halfLifeMs ?? 30 * DAY,
        ...(options.recencyFloor !== undefined ? { floor: options.recencyFloor } : {}),
      });
    }
    const lambda = options.mmrLambda ?? 0.7;
    const dense = this.#dense;
    hits = lambda < 1 && dense ? mmr(hits.slice(0, depth), (a, b) => dense.similarity(a, b), { limit, lambda }) : hits.slice(0, limit);
    return hits.map((hit) => ({ ...hit, parts: { ...hit.parts, matchedTerms: matched.get(hit.id) ?? [] } }));
  }

  #filter(options: RetrieveOptions): ((id: string) => boolean) | undefined {
    const { kinds, sources, from, to } = options;
    if (!kinds && !sources && from === undefined && to === undefined) return undefined;
    const kindSet = kinds ? new Set(kinds) : undefined;
    const sourceSet = sources ? new Set(sources) : undefined;
    return (id) => {
      const meta = this.#meta.get(id);
      if (!meta) return false;
      if (kindSet && !kindSet.has(meta.kind)) return false;
      if (sourceSet && !sourceSet.has(meta.source)) return false;
      if (from !== undefined && meta.ts < from) return false;
      if (to !== undefined && meta.ts > to) return false;
      return true;
    };
  }
}
