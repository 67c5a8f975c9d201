// Runs in Chromium (see bench/retrieval.ts): query latency of Persona's hybrid retrieval beside its baselines, in
// the same page run, over the same clustered corpus and the same queries:
//  1. hybrid top-10: HybridRetriever.retrieve({ text, vector }, { limit: 10, mmrLambda: 1 }) — BM25 + the
//     sign-bit/int8 VectorIndex, fused by RRF (the query embedding is precomputed: no model runs here);
//  2. the naive baseline: a Float32 cosine loop over every item of the in-memory Float32Array, with a partial sort
//     that keeps the top 10;
//  3. the bytes-read floor: the bytes the indexes must read per query (formula at bytesPerHybridQuery) divided by
//     the memory bandwidth measured in this page;
//  4. recall@10 of the dense list against exact Float32 search, with and without the `exact` re-rank source;
//  5. index RAM, and ingest throughput (addDocument + addVectors in batches of 1,000; optionally with
//     PersonaStore.record() of the same batch into IndexedDB).
import type { EventKind } from '../../src/core/history-event';
import { exactSearch, recallAt } from '../../src/core/exact-search';
import type { QueryTerm } from '../../src/core/bm25';
import { HybridRetriever } from '../../src/core/hybrid-retriever';
import { composePrompt } from '../../src/core/prompt-composer';
import type { VectorIndex } from '../../src/core/vector-index';
import { PersonaStore } from '../../src/store/persona-store';
import { clusterCentres, clusteredVectorsFor, queryVectors, textCorpus, type TextCorpus } from './corpus';
import { publishBenchResult } from '../page-result';

export interface Timing {
  /** How many timed queries (after the warm-up). */
  queries: number;
  p50: number;
  p95: number;
  mean: number;
}

export interface ConfigResult {
  n: number;
  dim: number;
  ingest: { events: number; ms: number; eventsPerS: number; batch: number };
  /** HybridRetriever.retrieve, limit 10, mmrLambda 1. */
  hybrid: Timing;
  /** The same timed queries run again right after (see runConfig): the query path once V8 has finished optimizing it. */
  hybridSecondPass: Timing;
  /**
   * Retrieval for a prompt and its composition (what PersonaEngine.compose does in memory): hybrid top-12 with MMR
   * 0.7, then composePrompt with preferences, pinned memories, a summary and the hits, at a 2,048-token context.
   */
  compose: Timing;
  /** composePrompt alone, on the same hits. */
  composeOnly: Timing;
  /**
   * Parts alone: VectorIndex.search (limit 10, int8 final; and with the exact source; and at the hybrid's depth 50)
   * and Bm25Index.search (tokenizing the query, depth 50).
   */
  dense: Timing;
  denseExact: Timing;
  /** The dense list exactly as the hybrid query asks for it: VectorIndex.search with limit = depth = 50. */
  denseDepth: Timing;
  keyword: Timing;
  /**
   * Bm25Index.search as the hybrid query calls it: the query tokenized and each word widened to the verb forms the
   * index holds (see hybridQueryTerms), depth 50. Common words' forms ("like" for "liked") read long lists.
   */
  keywordExpanded: Timing;
  /** Tokenizer.termFrequencies of the query text alone (Intl.Segmenter and the folding rules). */
  tokenize: Timing;
  /** Float32 cosine over every item + top-10 partial sort. */
  naive: Timing;
  /** Whether the naive loop's top 10 matched src/core/exact-search.ts on the first query (a check of the baseline). */
  naiveMatchesExactSearch: boolean;
  /**
   * Mean recall@10 of VectorIndex.search against the naive (exact Float32) top 10, over the naive's queries: without
   * an exact source (int8 re-rank refined by the 2-bit residuals: the index's own scores, final); the same with the
   * refinement off (`refine: 0`, int8 scores final); with the exact source.
   */
  recallAt10: { int8: number; int8Unrefined: number; exactRerank: number; queries: number };
  floor: {
    denseBytes: number;
    keywordBytes: number;
    bytes: number;
    /** Pre-filter candidates whose int8 codes the hybrid query's dense search re-ranks. */
    candidates: number;
    ms: number;
    denseMs: number;
    /** Bytes the naive loop reads (the Float32 matrix) and that over the bandwidth: the baseline's own floor. */
    naiveBytes: number;
    naiveMs: number;
  };
  ram: {
    /** VectorIndex.bytes as it stands after ingest (capacity grows 1.5× at a time, so it includes slack). */
    vectorIndexBytes: number;
    /** The same arrays sized to the live count exactly: n × (dim + 4 + 4 × words + 1 + 4 × ⌈dim / 16⌉). */
    vectorIndexBytesExact: number;
    /** Bm25Index.bytes after the timed queries: posting lists at capacity, forward index, per-document arrays, query scratch. */
    bm25Bytes: number;
    /** The same typed arrays sized exactly, query scratch excluded: postings × (4 + 1 + forward entry) + documents × (1 + 4 + 4). */
    bm25BytesExact: number;
    bm25Terms: number;
    bm25Postings: number;
  };
}

export interface RetrievalBenchResult {
  sizes: number[];
  dims: number[];
  warmup: number;
  crossOriginIsolated: boolean;
  userAgent: string;
  bandwidth: { gbps: number; bufferMiB: number; runs: number; method: string; allGbps: Record<string, number> };
  /** The same loop over an 8 MiB buffer, which stays in this machine's cache (information only: not the floor's). */
  cacheBandwidth: { gbps: number; bufferMiB: number; runs: number; method: string; allGbps: Record<string, number> };
  generationMs: { text: number; vectors: Record<string, number> };
  configs: ConfigResult[];
  ingestWithStore?: {
    events: number;
    dim: number;
    batch: number;
    totalMs: number;
    recordMs: number;
    indexMs: number;
    eventsPerS: number;
    recordOnlyEventsPerS: number;
  };
}

const params = new URLSearchParams(location.search);
const list = (name: string, fallback: string): number[] => (params.get(name) ?? fallback).split(',').map(Number).filter((x) => x > 0);
const SIZES = list('sizes', '1000,10000,100000').sort((a, b) => a - b);
const DIMS = list('dims', '100,384');
const QUERIES = Number(params.get('queries') ?? 100);
const WARMUP = Number(params.get('warmup') ?? 20);
const NAIVE_QUERIES = Math.min(QUERIES, Number(params.get('naiveQueries') ?? QUERIES));
const STORE_EVENTS = Number(params.get('storeEvents') ?? 20_000);
const BATCH = 1_000;
const LIMIT = 10;
/** What HybridRetriever asks each list for: depth = max(50, 5 × limit). */
const DEPTH = Math.max(50, 5 * LIMIT);
const KINDS: readonly EventKind[] = ['view', 'message', 'click', 'note'];
/** What a profile holds besides history, for the composition timing: a few preferences, memories and a summary. */
const PREFERENCES = { diet: 'vegetarian', tone: 'brief and friendly', language: 'English', units: 'metric' };
const MEMORIES = Array.from({ length: 5 }, (_, i) => ({ id: `m${i}`, text: `A pinned fact about the user, number ${i}, kept short.` }));
const SUMMARY = { text: 'Cooks often, hikes on weekends, reads about history and follows two football clubs.' };

function log(message: string): void {
  console.log(`[retrieval] ${message}`);
}

const gc = (globalThis as unknown as { gc?: () => void }).gc;
/** Collect garbage before a timed phase when Chromium exposes gc (the driver passes --expose-gc), and yield. */
async function settle(): Promise<void> {
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function summarize(times: readonly number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  return { queries: times.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean: times.reduce((s, t) => s + t, 0) / Math.max(1, times.length) };
}

/** Runs `work` on the warm-up items untimed, then on the timed ones one at a time; returns the timing and the outputs. */
function timeEach<T, R>(warm: readonly T[], timed: readonly T[], work: (item: T) => R): { timing: Timing; outputs: R[] } {
  for (const item of warm) work(item);
  const times: number[] = [];
  const outputs: R[] = [];
  for (const item of timed) {
    const start = performance.now();
    const out = work(item);
    times.push(performance.now() - start);
    outputs.push(out);
  }
  return { timing: summarize(times), outputs };
}

/**
 * Read bandwidth of this page's JavaScript over a buffer far larger than any cache: sum it several times, best of
 * `runs`, two element types (64-bit floats move the most bytes per loop step). 4 independent accumulators keep the
 * loop from waiting on one add chain. JS has no SIMD, so this is a lower bound of the machine's bandwidth.
 */
function measureBandwidth(bufferMiB = 128, runs = 7): RetrievalBenchResult['bandwidth'] {
  const buffer = new ArrayBuffer(bufferMiB * 1024 * 1024);
  const f64 = new Float64Array(buffer).fill(1);
  const i32 = new Int32Array(buffer);
  const sumF64 = (): number => {
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    for (let i = 0; i < f64.length; i += 4) {
      a += f64[i] as number;
      b += f64[i + 1] as number;
      c += f64[i + 2] as number;
      d += f64[i + 3] as number;
    }
    return a + b + c + d;
  };
  const sumI32 = (): number => {
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    for (let i = 0; i < i32.length; i += 4) {
      a = (a + (i32[i] as number)) | 0;
      b = (b + (i32[i + 1] as number)) | 0;
      c = (c + (i32[i + 2] as number)) | 0;
      d = (d + (i32[i + 3] as number)) | 0;
    }
    return a + b + c + d;
  };
  const allGbps: Record<string, number> = {};
  let sink = 0;
  for (const [name, sum] of [['float64-sum', sumF64], ['int32-sum', sumI32]] as const) {
    let best = Number.POSITIVE_INFINITY;
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      sink += sum();
      best = Math.min(best, performance.now() - start);
    }
    allGbps[name] = buffer.byteLength / (best / 1_000) / 1e9;
  }
  if (sink === 0) throw new Error('bandwidth loop was optimised away');
  const [method, gbps] = Object.entries(allGbps).reduce((a, b) => (b[1] > a[1] ? b : a));
  return { gbps, bufferMiB, runs, method: `best of ${runs} full passes, ${method}`, allGbps };
}

/** Exact cosine top-k by a plain loop over the Float32 matrix, keeping the best k in a small sorted array. */
function naiveTopK(vectors: Float32Array, n: number, dim: number, query: Float32Array, k: number): number[] {
  let qNorm = 0;
  for (let d = 0; d < dim; d++) qNorm += (query[d] as number) * (query[d] as number);
  const q = query.map((x) => x / Math.sqrt(qNorm));
  const topScore = new Float64Array(k).fill(Number.NEGATIVE_INFINITY);
  const topIndex = new Int32Array(k).fill(-1);
  for (let i = 0; i < n; i++) {
    let dot = 0;
    let norm = 0;
    for (let d = 0, p = i * dim; d < dim; d++, p++) {
      const x = vectors[p] as number;
      dot += x * (q[d] as number);
      norm += x * x;
    }
    const score = norm > 0 ? dot / Math.sqrt(norm) : 0;
    if (score <= (topScore[k - 1] as number)) continue;
    let j = k - 1;
    while (j > 0 && (topScore[j - 1] as number) < score) {
      topScore[j] = topScore[j - 1] as number;
      topIndex[j] = topIndex[j - 1] as number;
      j--;
    }
    topScore[j] = score;
    topIndex[j] = i;
  }
  return Array.from(topIndex).filter((i) => i >= 0);
}

/**
 * The index terms whose postings a hybrid query reads: each term of its text, with the other verb forms the index
 * holds, as HybridRetriever expands them ("liked" reads "like" too, "notes" reads "note" and "not"). The query's
 * common words count as well ("find", "something"): they are in the index, so their postings are read.
 */
function termsRead(retriever: HybridRetriever, text: string): string[] {
  const { tokenizer, keyword } = retriever;
  const read = new Set<string>();
  for (const term of tokenizer.termFrequencies(text).keys()) {
    for (const variant of tokenizer.variants?.(term) ?? [term]) if (keyword.hasTerm(variant)) read.add(variant);
  }
  return [...read];
}

/** The query terms HybridRetriever.retrieve gives the keyword index (its private #queryTerms, written out here). */
function hybridQueryTerms(retriever: HybridRetriever, text: string): QueryTerm[] {
  const { tokenizer, keyword } = retriever;
  return [...tokenizer.termFrequencies(text).keys()].map((term) => {
    const present = (tokenizer.variants?.(term) ?? [term]).filter((variant) => variant === term || keyword.hasTerm(variant));
    return present.length > 1 ? present : term;
  });
}

/** Documents among the first n whose terms (as the tokenizer indexed them) include each wanted term: its df. */
function documentFrequencies(retriever: HybridRetriever, corpus: TextCorpus, n: number, wanted: ReadonlySet<string>): Map<string, number> {
  const df = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    for (const term of retriever.tokenizer.termFrequencies(corpus.texts[i] as string).keys()) {
      if (wanted.has(term)) df.set(term, (df.get(term) ?? 0) + 1);
    }
  }
  return df;
}

/**
 * Bytes one hybrid query must read from the indexes' own arrays (scratch the implementation allocates per query —
 * the Uint16 distance array (2n written, 2n read), the histogram, BM25's Float64 score accumulator — is excluded, as
 * are ids, Maps and the RRF/MMR bookkeeping):
 *   dense (VectorIndex.search with limit = depth = 50; candidates c = min(n, max(limit, ⌈n / 50⌉, 64 × min(limit,
 *   10), 16 × limit)), the index's default; refined hits r = min(c, limit + max(limit, 40))):
 *     n × ⌈dim / 32⌉ × 4   sign-bit signatures, every live slot (the Hamming pre-filter)
 *   + n × 1                 live flags, every slot, only when the index holds tombstones (none here: with none,
 *                           the Hamming kernel does not read them)
 *   + c × dim               int8 codes of the re-ranked candidates (rows start on a cache line: whole lines at 384)
 *   + c × 4                 their Float32 scales
 *   + r × ⌈dim / 16⌉ × 4    the 2-bit residuals of the hits the refinement re-scores
 *   keyword (Bm25Index.search, per distinct index term t the query reads — its words and the verb forms of them
 *   the index holds, see termsRead — with document frequency df(t)):
 *   + Σ df(t) × (4 + 1)     the posting list: Uint32 slot + Uint8 term frequency
 *   + Σ df(t) × 4           per posting, that slot's Uint32 length (random access; counted as bytes, though each
 *                           really costs a cache line; a live document's flag is not read: its length says it)
 */
function bytesPerHybridQuery(n: number, dim: number, tombstones: boolean, queryTerms: readonly string[], df: ReadonlyMap<string, number>): { dense: number; keyword: number; candidates: number } {
  const candidates = Math.min(n, Math.max(DEPTH, Math.ceil(n / 50), 64 * Math.min(DEPTH, 10), 16 * DEPTH));
  const refined = Math.min(candidates, DEPTH + Math.max(DEPTH, 40));
  const dense = n * Math.ceil(dim / 32) * 4 + (tombstones ? n : 0) + candidates * dim + candidates * 4 + refined * Math.ceil(dim / 16) * 4;
  let postings = 0;
  for (const term of new Set(queryTerms)) postings += df.get(term) ?? 0;
  return { dense, keyword: postings * (4 + 1 + 4), candidates };
}

async function runConfig(corpus: TextCorpus, vectors: Float32Array, queryVecs: readonly Float32Array[], n: number, dim: number, bandwidthGbps: number): Promise<ConfigResult> {
  const ids = Array.from({ length: n }, (_, i) => `v${i}`);
  await settle();
  // Ingest: text and vectors of each batch of 1,000, as the engine will feed them after embedding.
  const retriever = new HybridRetriever();
  const ingestStart = performance.now();
  for (let start = 0; start < n; start += BATCH) {
    const end = Math.min(n, start + BATCH);
    for (let i = start; i < end; i++) retriever.addDocument(ids[i] as string, corpus.texts[i] as string, { ts: 1_700_000_000_000 + i * 60_000, kind: KINDS[i % KINDS.length] as EventKind, source: 'app' });
    retriever.addVectors(ids.slice(start, end), vectors.subarray(start * dim, end * dim), dim);
  }
  const ingestMs = performance.now() - ingestStart;
  const index = retriever.dense as VectorIndex;
  log(`n=${n} d=${dim}: ingest ${ingestMs.toFixed(0)} ms`);

  const all = corpus.queries.map((q, i) => ({ text: q.text, vector: queryVecs[i] as Float32Array }));
  const warm = all.slice(0, WARMUP);
  const timed = all.slice(WARMUP, WARMUP + QUERIES);
  const exact = (id: string): Float32Array => {
    const i = Number(id.slice(1));
    return vectors.subarray(i * dim, (i + 1) * dim);
  };

  await settle();
  const hybrid = timeEach(warm, timed, (q) => retriever.retrieve({ text: q.text, vector: q.vector }, { limit: LIMIT, mmrLambda: 1 }));
  // The same queries once more: after 20 warm-up queries V8 is still optimizing parts of the query path during the
  // first pass, so this pass shows the settled cost (information only; the headline stays the first pass).
  const hybridSecondPass = timeEach([], timed, (q) => retriever.retrieve({ text: q.text, vector: q.vector }, { limit: LIMIT, mmrLambda: 1 }));
  await settle();
  const evidenceOf = (hits: readonly { id: string }[]) =>
    hits.map((hit) => {
      const i = Number(hit.id.slice(1));
      return { id: hit.id, text: corpus.texts[i] as string, ts: 1_700_000_000_000 + i * 60_000, kind: KINDS[i % KINDS.length] as EventKind };
    });
  const composeFor = (text: string, evidence: ReturnType<typeof evidenceOf>) =>
    composePrompt({ conversation: [{ role: 'user', content: text }], preferences: PREFERENCES, pinnedMemories: MEMORIES, summary: SUMMARY, evidence }, { contextTokens: 2_048, answerTokens: 512 });
  const compose = timeEach(warm, timed, (q) => composeFor(q.text, evidenceOf(retriever.retrieve({ text: q.text, vector: q.vector }, { limit: 12, mmrLambda: 0.7 }))));
  const promptHits = timed.map((q) => evidenceOf(retriever.retrieve({ text: q.text, vector: q.vector }, { limit: 12, mmrLambda: 0.7 })));
  let nextPrompt = 0;
  const composeOnly = timeEach(
    warm.map((q, i) => ({ text: q.text, hits: promptHits[i % promptHits.length] ?? [] })),
    timed.map((q) => ({ text: q.text, hits: promptHits[nextPrompt++] ?? [] })),
    (q) => composeFor(q.text, q.hits),
  );
  if (hybrid.outputs.some((hits) => hits.length !== Math.min(LIMIT, n))) throw new Error(`hybrid retrieval returned fewer than ${LIMIT} hits at n=${n}`);
  await settle();
  const dense = timeEach(warm, timed, (q) => index.search(q.vector, { limit: LIMIT }));
  const unrefined = timed.map((q) => index.search(q.vector, { limit: LIMIT, refine: 0 }));
  await settle();
  const denseExact = timeEach(warm, timed, (q) => index.search(q.vector, { limit: LIMIT, exact }));
  await settle();
  const denseDepth = timeEach(warm, timed, (q) => index.search(q.vector, { limit: DEPTH }));
  await settle();
  const keyword = timeEach(warm, timed, (q) => retriever.keyword.search(retriever.tokenizer.termFrequencies(q.text).keys(), { limit: DEPTH }));
  await settle();
  const keywordExpanded = timeEach(warm, timed, (q) => retriever.keyword.search(hybridQueryTerms(retriever, q.text), { limit: DEPTH }));
  const tokenize = timeEach(warm, timed, (q) => retriever.tokenizer.termFrequencies(q.text));
  await settle();
  const naiveTimed = timed.slice(0, NAIVE_QUERIES);
  const naive = timeEach(warm.slice(0, Math.min(3, warm.length)), naiveTimed, (q) => naiveTopK(vectors, n, dim, q.vector, LIMIT));
  log(`n=${n} d=${dim}: hybrid p50 ${hybrid.timing.p50.toFixed(2)} ms, naive p50 ${naive.timing.p50.toFixed(2)} ms`);

  // The baseline agrees with the repository's reference exact search (on the first timed query).
  const first = naiveTimed[0];
  const naiveMatchesExactSearch =
    first === undefined ||
    exactSearch(ids, vectors.subarray(0, n * dim), dim, first.vector, LIMIT)
      .map((h) => h.id)
      .join() === (naive.outputs[0] ?? []).map((i) => `v${i}`).join();

  const truth = naive.outputs.map((indices) => indices.map((i) => ({ id: `v${i}` })));
  const meanRecall = (found: readonly { id: string }[][]): number => truth.reduce((s, t, i) => s + recallAt(found[i] ?? [], t), 0) / Math.max(1, truth.length);

  const read = timed.map((q) => termsRead(retriever, q.text));
  const df = documentFrequencies(retriever, corpus, n, new Set(read.flat()));
  // The bench never removes an item, so the index holds no tombstones.
  const perQuery = read.map((terms) => bytesPerHybridQuery(n, dim, false, terms, df));
  const denseBytes = perQuery.reduce((s, b) => s + b.dense, 0) / perQuery.length;
  const keywordBytes = perQuery.reduce((s, b) => s + b.keyword, 0) / perQuery.length;
  const bytesPerMs = bandwidthGbps * 1e6;
  const stats = retriever.keyword.stats();
  const words = Math.ceil(dim / 32);
  return {
    n,
    dim,
    ingest: { events: n, ms: ingestMs, eventsPerS: n / (ingestMs / 1_000), batch: BATCH },
    hybrid: hybrid.timing,
    dense: dense.timing,
    denseExact: denseExact.timing,
    denseDepth: denseDepth.timing,
    keyword: keyword.timing,
    keywordExpanded: keywordExpanded.timing,
    tokenize: tokenize.timing,
    hybridSecondPass: hybridSecondPass.timing,
    compose: compose.timing,
    composeOnly: composeOnly.timing,
    naive: naive.timing,
    naiveMatchesExactSearch,
    recallAt10: { int8: meanRecall(dense.outputs), int8Unrefined: meanRecall(unrefined), exactRerank: meanRecall(denseExact.outputs), queries: truth.length },
    floor: {
      denseBytes,
      keywordBytes,
      bytes: denseBytes + keywordBytes,
      candidates: perQuery[0]?.candidates ?? 0,
      ms: (denseBytes + keywordBytes) / bytesPerMs,
      denseMs: denseBytes / bytesPerMs,
      naiveBytes: n * dim * 4,
      naiveMs: (n * dim * 4) / bytesPerMs,
    },
    ram: {
      vectorIndexBytes: index.bytes,
      vectorIndexBytesExact: index.size * (dim + 4 + 4 * words + 1 + 4 * Math.ceil(dim / 16)),
      bm25Bytes: retriever.keyword.bytes,
      // A posting is a 32-bit slot and an 8-bit frequency; a slot has a live flag and a 32-bit length (Bm25Index).
      bm25BytesExact: stats.postings * (4 + 1) + stats.slots * (1 + 4),
      bm25Terms: stats.terms,
      bm25Postings: stats.postings,
    },
  };
}

/** Ingest with the store: per batch of 1,000, PersonaStore.record() (one IndexedDB transaction), then the indexes. */
async function ingestWithStore(corpus: TextCorpus, vectors: Float32Array, dim: number, events: number): Promise<NonNullable<RetrievalBenchResult['ingestWithStore']>> {
  const name = `bench-retrieval-${crypto.randomUUID()}`;
  const store = await PersonaStore.open({ name });
  const retriever = new HybridRetriever();
  await settle();
  let recordMs = 0;
  let indexMs = 0;
  try {
    for (let start = 0; start < events; start += BATCH) {
      const end = Math.min(events, start + BATCH);
      const ids = Array.from({ length: end - start }, (_, k) => `v${start + k}`);
      const batch = ids.map((id, k) => ({ id, ts: 1_700_000_000_000 + (start + k) * 60_000, kind: KINDS[(start + k) % KINDS.length] as EventKind, text: corpus.texts[start + k] as string, source: 'app' }));
      const t0 = performance.now();
      const stored = await store.record(batch);
      const t1 = performance.now();
      for (const event of stored) retriever.addDocument(event.id, event.text, { ts: event.ts, kind: event.kind, source: event.source });
      retriever.addVectors(ids, vectors.subarray(start * dim, end * dim), dim);
      indexMs += performance.now() - t1;
      recordMs += t1 - t0;
    }
  } finally {
    store.close();
    await new Promise<void>((resolve) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = request.onerror = request.onblocked = () => {
        resolve();
      };
    });
  }
  const totalMs = recordMs + indexMs;
  return { events, dim, batch: BATCH, totalMs, recordMs, indexMs, eventsPerS: events / (totalMs / 1_000), recordOnlyEventsPerS: events / (recordMs / 1_000) };
}

async function run(): Promise<RetrievalBenchResult> {
  const maxN = Math.max(...SIZES);
  log(`sizes ${SIZES.join(',')} dims ${DIMS.join(',')} queries ${QUERIES} (+${WARMUP} warm-up), naive ${NAIVE_QUERIES}`);
  const bandwidth = measureBandwidth();
  const cacheBandwidth = measureBandwidth(8, 21);
  log(`bandwidth ${bandwidth.gbps.toFixed(2)} GB/s (${JSON.stringify(bandwidth.allGbps)}); 8 MiB buffer: ${cacheBandwidth.gbps.toFixed(2)} GB/s`);
  let t = performance.now();
  const corpus = textCorpus(maxN, WARMUP + QUERIES);
  const generationMs: RetrievalBenchResult['generationMs'] = { text: performance.now() - t, vectors: {} };
  const configs: ConfigResult[] = [];
  let storeResult: RetrievalBenchResult['ingestWithStore'];
  for (const dim of DIMS) {
    t = performance.now();
    const centres = clusterCentres(dim);
    const vectors = clusteredVectorsFor(corpus.labels, centres, dim);
    const queryVecs = queryVectors(
      corpus.queries.map((q) => q.cluster),
      centres,
      dim,
    );
    const vectorMs = performance.now() - t;
    generationMs.vectors[dim] = vectorMs;
    log(`d=${dim}: generated ${maxN} vectors in ${vectorMs.toFixed(0)} ms`);
    for (const n of SIZES) configs.push(await runConfig(corpus, vectors, queryVecs, n, dim, bandwidth.gbps));
    if (STORE_EVENTS > 0 && dim === Math.max(...DIMS)) {
      storeResult = await ingestWithStore(corpus, vectors, dim, Math.min(STORE_EVENTS, maxN));
      log(`ingest with store: ${storeResult.eventsPerS.toFixed(0)} events/s`);
    }
  }
  return {
    sizes: SIZES,
    dims: DIMS,
    warmup: WARMUP,
    crossOriginIsolated,
    userAgent: navigator.userAgent,
    bandwidth,
    cacheBandwidth,
    generationMs,
    configs,
    ...(storeResult ? { ingestWithStore: storeResult } : {}),
  };
}

publishBenchResult(run());
