// Retrieval over the user's own history: BM25 (its query words widened to their other verb forms) and dense search
// each propose candidates, score fusion merges them, recency shapes the result and MMR keeps near-duplicates out.
// Filters by kind, source and time apply inside both searches, and every hit carries the parts of its score (for the
// "why this answer" view).
import { Bm25Index, type QueryTerm } from './bm25';
import { applyRecency, bestHits, fuseScores, mmr, reciprocalRankFusion, type FusedHit, type ScoreParts } from './fusion';
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
  /**
   * How the lists are merged (default 'score'): 'score' sums BM25 over its best and the cosine min-max scaled over the
   * dense list, weighted; 'rrf' is reciprocal rank fusion (Σ weight / (60 + rank)).
   */
  fusion?: 'score' | 'rrf';
  /** Per-list weights in the fusion (default DEFAULT_WEIGHTS for the chosen fusion). */
  weights?: { keyword?: number; dense?: number };
  /** Whether query words also match their other verb forms in the history (default true; see Tokenizer.variants). */
  expandTerms?: boolean;
  /** Full-precision vectors for the dense list's final re-rank (see VectorIndex). */
  exact?: (id: string) => Float32Array | undefined;
}

export interface RetrievalHit {
  id: string;
  score: number;
  parts: ScoreParts & { matchedTerms: string[] };
}

const DAY = 86_400_000;
/** Words whose variants a retriever remembers at most: ~1,000 words of up to ~7 short forms, a few hundred kB. */
const VARIANT_CACHE = 1_024;

/**
 * Default list weights per fusion. Score fusion weighs the keyword list 0.6 and the dense list 0.4. The bundled GloVe
 * embedder alone finds much less than BM25 on LoCoMo, so it adds evidence rather than leading. 0.3 was best before
 * messages carried their previous message as context (core/conversation-context); with it the dense list is worth
 * more, and 0.35–0.45 did about as well on the two tuning conversations and three held-out ones (bench/locomo.ts).
 * RRF keeps equal weights.
 */
export const DEFAULT_WEIGHTS = {
  score: { keyword: 0.6, dense: 0.4 },
  rrf: { keyword: 1, dense: 1 },
} as const;

export class HybridRetriever {
  readonly keyword: Bm25Index;
  #dense: VectorIndex | undefined;
  readonly #meta = new Map<string, DocumentMeta>();
  /** See #variantsOf. */
  readonly #variants = new Map<string, readonly string[]>();

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
    const queryTerms = this.#queryTerms(query.text, options.expandTerms ?? true);
    const keywordHits = this.keyword.rank(queryTerms, { limit: depth, ...(filter ? { filter } : {}) });
    const lists: Record<string, { id: string; score: number }[]> = { keyword: keywordHits };
    if (query.vector && this.#dense) {
      lists.dense = this.#dense.search(query.vector, { limit: depth, ...(filter ? { filter } : {}), ...(options.exact ? { exact: options.exact } : {}) });
    }
    const fusion = options.fusion ?? 'score';
    const weights = { keyword: options.weights?.keyword ?? DEFAULT_WEIGHTS[fusion].keyword, dense: options.weights?.dense ?? DEFAULT_WEIGHTS[fusion].dense };
    // Score fusion's hits come unsorted: recency sorts them anyway, and bestHits below ranks only the few kept.
    let hits: FusedHit[] =
      fusion === 'rrf' ? reciprocalRankFusion(lists, { weights }) : fuseScores(lists, { weights, normalization: { keyword: 'max', dense: 'min-max' } });
    if (options.now !== undefined) {
      hits = applyRecency(hits, (id) => this.#meta.get(id)?.ts, {
        now: options.now,
        halfLifeMs: options.halfLifeMs ?? 30 * DAY,
        ...(options.recencyFloor !== undefined ? { floor: options.recencyFloor } : {}),
      });
    }
    const lambda = options.mmrLambda ?? 0.7;
    const dense = this.#dense;
    hits = lambda < 1 && dense ? mmr(bestHits(hits, depth), (a, b) => dense.similarity(a, b), { limit, lambda }) : bestHits(hits, limit);
    // Matched terms only for the hits kept, and only for those the keyword list found (the words it found them by).
    const found = hits.filter((hit) => hit.parts.lists.keyword).map((hit) => hit.id);
    const terms = this.keyword.matchedTerms(found, queryTerms);
    const matched = new Map(found.map((id, i) => [id, terms[i] ?? []]));
    return hits.map((hit) => ({ ...hit, parts: { ...hit.parts, matchedTerms: matched.get(hit.id) ?? [] } }));
  }

  /** The query's terms; with expansion, each with the variants the index holds, searched as one term. */
  #queryTerms(text: string, expand: boolean): QueryTerm[] {
    const terms = [...this.tokenizer.termFrequencies(text).keys()];
    if (!expand || !this.tokenizer.variants) return terms;
    return terms.map((term) => {
      const present = this.#variantsOf(term).filter((variant) => variant === term || this.keyword.hasTerm(variant));
      return present.length > 1 ? present : term;
    });
  }

  /**
   * The tokenizer's variants of a term, remembered: they depend on the word alone (never on the index), and
   * generating them (every candidate form checked against the word's key) cost more than the rest of a query's
   * term handling, while a user's queries keep reusing words. Bounded: forgotten wholesale past VARIANT_CACHE words.
   */
  #variantsOf(term: string): readonly string[] {
    let variants = this.#variants.get(term);
    if (variants === undefined) {
      variants = this.tokenizer.variants?.(term) ?? [term];
      if (this.#variants.size >= VARIANT_CACHE) this.#variants.clear();
      this.#variants.set(term, variants);
    }
    return variants;
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
