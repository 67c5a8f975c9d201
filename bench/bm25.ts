// Keyword search benchmark: Bm25Index (postings in typed arrays, term-at-a-time scoring, bounded heap) against a
// naive baseline that scores every document by looking the query terms up in its term map, in the same run, over
// the same synthetic corpus (Zipfian vocabulary, like real text). Prints JSON and a table.
// Usage: npx tsx bench/bm25.ts [--docs 100000 --vocabulary 50000 --queries 200 --seed 42]
import { parseArgs } from 'node:util';
import { Bm25Index } from '../src/core/bm25.ts';
import { buildPostings } from '../src/core/postings.ts';
import { TopK } from '../src/core/top-k.ts';
import { seededRandom } from '../tests/support/seeded-random';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '100000' },
    vocabulary: { type: 'string', default: '50000' },
    queries: { type: 'string', default: '200' },
    seed: { type: 'string', default: '42' },
  },
});
const DOCS = Number(values.docs);
const VOCABULARY = Number(values.vocabulary);
const QUERIES = Number(values.queries);
const LIMIT = 10;
const K1 = 1.2;
const B = 0.75;

// Seeded, so every run measures the same corpus and queries.
const random = seededRandom(Number(values.seed));

// Zipf (s = 1): term of rank r has probability ∝ 1/r. Sampled by binary search over the cumulative distribution.
const cumulative = new Float64Array(VOCABULARY);
let total = 0;
for (let rank = 1; rank <= VOCABULARY; rank++) cumulative[rank - 1] = total += 1 / rank;
function zipfTerm(): string {
  const target = random() * total;
  let lo = 0;
  let hi = VOCABULARY - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return `t${lo}`;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function summarize(times: number[]): { p50: number; p95: number; mean: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((s, t) => s + t, 0) / times.length;
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean };
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

// The corpus: documents of 10–60 tokens, like chat messages, titles and short notes.
const ids: string[] = [];
const documents: Map<string, number>[] = [];
for (let i = 0; i < DOCS; i++) {
  const terms = new Map<string, number>();
  const length = 10 + Math.floor(random() * 51);
  for (let t = 0; t < length; t++) {
    const term = zipfTerm();
    terms.set(term, (terms.get(term) ?? 0) + 1);
  }
  ids.push(`event-${i}`);
  documents.push(terms);
}
// 3-term queries drawn from the same distribution, so frequent terms (long posting lists) are included.
const queries = Array.from({ length: QUERIES }, () => {
  const terms = new Set<string>();
  while (terms.size < 3) terms.add(zipfTerm());
  return [...terms];
});

let started = performance.now();
const index = new Bm25Index({ k1: K1, b: B });
documents.forEach((terms, i) => {
  index.add(ids[i] as string, terms);
});
const addAllMs = performance.now() - started;

const segments = [];
for (let start = 0; start < DOCS; start += 1_024) {
  const end = Math.min(DOCS, start + 1_024);
  segments.push({ ids: ids.slice(start, end), postings: buildPostings(documents.slice(start, end)), live: new Uint8Array(end - start).fill(1) });
}
started = performance.now();
const loaded = Bm25Index.fromSegments({ segments }, { k1: K1, b: B });
const loadSegmentsMs = performance.now() - started;

// The baseline's corpus statistics are precomputed once (not timed per query), which only flatters it.
const documentFrequency = new Map<string, number>();
const lengths = new Float64Array(DOCS);
documents.forEach((terms, i) => {
  let length = 0;
  for (const [term, freq] of terms) {
    documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    length += freq;
  }
  lengths[i] = length;
});
const averageLength = lengths.reduce((s, l) => s + l, 0) / DOCS;

function naiveSearch(query: readonly string[]): { id: string; score: number }[] {
  const terms = [...query].sort();
  const idf = terms.map((term) => {
    const df = documentFrequency.get(term) ?? 0;
    return Math.log(1 + (DOCS - df + 0.5) / (df + 0.5));
  });
  const top = new TopK<{ id: string; score: number }>(LIMIT, (a, b) => a.score - b.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  for (let d = 0; d < DOCS; d++) {
    const map = documents[d] as Map<string, number>;
    let score = 0;
    for (let t = 0; t < terms.length; t++) {
      const tf = map.get(terms[t] as string);
      if (tf === undefined) continue;
      score += ((idf[t] as number) * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * (lengths[d] as number)) / averageLength));
    }
    if (score > 0) top.push({ id: ids[d] as string, score });
  }
  return top.drain();
}

// Warm both paths up so the JIT has compiled them before anything is measured.
for (const query of queries.slice(0, 10)) {
  index.search(query, { limit: LIMIT });
  naiveSearch(query);
}

const indexTimes: number[] = [];
const naiveTimes: number[] = [];
let agreeing = 0;
let loadedAgreeing = 0;
for (const query of queries) {
  started = performance.now();
  const hits = index.search(query, { limit: LIMIT });
  indexTimes.push(performance.now() - started);
  started = performance.now();
  const naive = naiveSearch(query);
  naiveTimes.push(performance.now() - started);
  if (hits.map((h) => h.id).join() === naive.map((h) => h.id).join()) agreeing++;
  if (JSON.stringify(loaded.search(query, { limit: LIMIT })) === JSON.stringify(hits)) loadedAgreeing++;
}

const indexed = summarize(indexTimes);
const naive = summarize(naiveTimes);
const stats = index.stats();
const result = {
  benchmark: 'bm25',
  node: process.version,
  corpus: { documents: DOCS, vocabulary: VOCABULARY, distinctTerms: stats.terms, postings: stats.postings, averageLength: round(stats.averageLength) },
  build: { addAllMs: round(addAllMs), loadSegmentsMs: round(loadSegmentsMs) },
  queries: { count: QUERIES, termsPerQuery: 3, limit: LIMIT },
  indexMs: { p50: round(indexed.p50), p95: round(indexed.p95), mean: round(indexed.mean) },
  naiveScanMs: { p50: round(naive.p50), p95: round(naive.p95), mean: round(naive.mean) },
  speedup: { p50: round(naive.p50 / indexed.p50), p95: round(naive.p95 / indexed.p95) },
  sameTop10AsNaive: `${agreeing}/${QUERIES}`,
  loadedSameAsAdded: `${loadedAgreeing}/${QUERIES}`,
};
console.log(JSON.stringify(result, null, 2));
console.table({
  'Bm25Index': { 'p50 ms': result.indexMs.p50, 'p95 ms': result.indexMs.p95, 'mean ms': result.indexMs.mean },
  'naive scan': { 'p50 ms': result.naiveScanMs.p50, 'p95 ms': result.naiveScanMs.p95, 'mean ms': result.naiveScanMs.mean },
  'speedup ×': { 'p50 ms': result.speedup.p50, 'p95 ms': result.speedup.p95, 'mean ms': round(naive.mean / indexed.mean) },
});
