// Memory retrieval quality on LoCoMo (Maharana et al., ACL 2024): each conversation's turns are one user's
// history; for every question of categories 1–4 we retrieve the top k turns and score evidence recall@k (share of
// the question's evidence turns in the top k), averaged over questions. BM25 alone, dense alone (the bundled
// GloVe embedder) and hybrid — as HybridRetriever's defaults run them in the app — beside the previous defaults
// (BM25 with b = 0.75 and no query expansion, RRF with equal weights), in one run.
//
// The retrieval defaults (BM25 b, verb-form expansion, score fusion and its weights) were chosen on the first two
// conversations (TUNING); the other three were held out. Figures are reported for each part and for all five.
// Usage: npx tsx bench/locomo.ts [--locomo DIR]   (default ../shared/datasets/locomo)
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Bm25Index } from '../src/core/bm25';
import { exactSearch, recallAt } from '../src/core/exact-search';
import { HybridRetriever, type RetrieveOptions } from '../src/core/hybrid-retriever';
import { wordsTokenizer } from '../src/core/tokenizer';
import { BUNDLED_EMBEDDER } from '../src/embed/embedder-config';
import { TransformersEmbedder } from '../src/embed/transformers-embedder';

interface Turn {
  speaker: string;
  dia_id: string;
  text: string;
  blip_caption?: string;
}
interface Question {
  question: string;
  evidence: string[];
  category: number;
}

const { values } = parseArgs({ options: { locomo: { type: 'string', default: fileURLToPath(new URL('../../shared/datasets/locomo', import.meta.url)) } } });
const KS = [5, 10, 20] as const;
/** Conversations the defaults were tuned on; the rest are held out. */
const TUNING = new Set(['26.json', '30.json']);
const SPLITS = ['tuning', 'held_out', 'all'] as const;
type Split = (typeof SPLITS)[number];

interface Method {
  /** Which index: the product's defaults, or the previous ones (BM25 b = 0.75, no expansion, RRF). */
  index: 'current' | 'previous';
  /** Without the query vector the dense list is not searched at all: keyword search alone. */
  vector: boolean;
  options: RetrieveOptions;
}
const PREVIOUS: RetrieveOptions = { expandTerms: false, fusion: 'rrf' };
const METHODS = {
  bm25: { index: 'current', vector: false, options: { mmrLambda: 1 } },
  dense: { index: 'current', vector: true, options: { weights: { keyword: 0 }, mmrLambda: 1 } },
  hybrid: { index: 'current', vector: true, options: { mmrLambda: 1 } },
  'hybrid+mmr λ0.7 (app default)': { index: 'current', vector: true, options: {} },
  'hybrid, RRF (same BM25)': { index: 'current', vector: true, options: { mmrLambda: 1, fusion: 'rrf' } },
  'previous bm25 (b 0.75, no expansion)': { index: 'previous', vector: false, options: { ...PREVIOUS, mmrLambda: 1 } },
  'previous hybrid (RRF, equal weights)': { index: 'previous', vector: true, options: { ...PREVIOUS, mmrLambda: 1 } },
} satisfies Record<string, Method>;
type MethodName = keyof typeof METHODS;
const NAMES = Object.keys(METHODS) as MethodName[];

const embedder = await TransformersEmbedder.load({ ...BUNDLED_EMBEDDER, localModelPath: fileURLToPath(new URL('../public/models/', import.meta.url)) });
const sums = Object.fromEntries(SPLITS.map((split) => [split, Object.fromEntries(NAMES.map((m) => [m, KS.map(() => 0)]))])) as Record<Split, Record<MethodName, number[]>>;
const questions: Record<Split, number> = { tuning: 0, held_out: 0, all: 0 };
let denseRecallSum = 0;
const files = readdirSync(values.locomo).filter((f) => f.endsWith('.json')).sort();
for (const file of files) {
  const conversation = JSON.parse(readFileSync(join(values.locomo, file), 'utf8')) as Record<string, unknown> & { qa: Question[] };
  const turns = Object.entries(conversation)
    .filter(([key, value]) => /^session_\d+$/.test(key) && Array.isArray(value))
    .flatMap(([, value]) => value as Turn[]);
  const texts = turns.map((t) => `${t.speaker}: ${t.text}${t.blip_caption ? ` [shares a photo: ${t.blip_caption}]` : ''}`);
  const ids = turns.map((t) => t.dia_id);
  const turnVectors = await embedder.embed(texts);
  const retrievers = { current: new HybridRetriever(), previous: new HybridRetriever(wordsTokenizer, new Bm25Index({ k1: 1.2, b: 0.75 })) };
  for (const retriever of Object.values(retrievers)) {
    turns.forEach((turn, i) => {
      retriever.addDocument(turn.dia_id, texts[i] ?? '', { ts: i, kind: 'message', source: 'locomo' });
    });
    retriever.addVectors(ids, turnVectors, embedder.dim);
  }
  const asked = conversation.qa.filter((q) => q.category >= 1 && q.category <= 4 && q.evidence.length > 0);
  const queryVectors = await embedder.embed(asked.map((q) => q.question));
  const splits: Split[] = [TUNING.has(file) ? 'tuning' : 'held_out', 'all'];
  asked.forEach((q, i) => {
    const vector = queryVectors.subarray(i * embedder.dim, (i + 1) * embedder.dim);
    for (const name of NAMES) {
      const method: Method = METHODS[name];
      const query = method.vector ? { text: q.question, vector } : { text: q.question };
      const hits = retrievers[method.index].retrieve(query, { ...method.options, limit: Math.max(...KS) });
      KS.forEach((k, j) => {
        const top = new Set(hits.slice(0, k).map((h) => h.id));
        const recall = q.evidence.filter((id) => top.has(id)).length / q.evidence.length;
        for (const split of splits) sums[split][name][j] = (sums[split][name][j] ?? 0) + recall;
      });
    }
  });
  for (const split of splits) questions[split] += asked.length;
  // The dense index's own recall on real vectors: its int8 top 10 against exact Float32 search of the same turns.
  asked.forEach((_, i) => {
    const vector = queryVectors.subarray(i * embedder.dim, (i + 1) * embedder.dim);
    const found = retrievers.current.dense?.search(vector, { limit: 10 }) ?? [];
    denseRecallSum += recallAt(found, exactSearch(ids, turnVectors, embedder.dim, vector, 10));
  });
}
await embedder.dispose();

const recall = Object.fromEntries(
  SPLITS.map((split) => [
    split,
    Object.fromEntries(NAMES.map((m) => [m, Object.fromEntries(KS.map((k, j) => [`recall_at_${k}`, (sums[split][m][j] ?? 0) / questions[split]]))])),
  ]),
) as Record<Split, Record<MethodName, Record<string, number>>>;
const at10 = (split: Split, m: MethodName): number => recall[split][m].recall_at_10 ?? Number.NaN;
const result = {
  benchmark: 'locomo-evidence-recall',
  conversations: files.length,
  tuning_conversations: files.filter((f) => TUNING.has(f)),
  held_out_conversations: files.filter((f) => !TUNING.has(f)),
  questions,
  embedder: embedder.model,
  recall,
  summary: {
    recall_at_10_vs_exact_real_vectors: denseRecallSum / questions.all,
    locomo_recall_at_10_bm25: at10('all', 'bm25'),
    locomo_recall_at_10_dense: at10('all', 'dense'),
    locomo_recall_at_10_hybrid: at10('all', 'hybrid'),
    held_out_recall_at_10_bm25: at10('held_out', 'bm25'),
    held_out_recall_at_10_hybrid: at10('held_out', 'hybrid'),
    hybrid_minus_bm25_at_10: { all: at10('all', 'hybrid') - at10('all', 'bm25'), held_out: at10('held_out', 'hybrid') - at10('held_out', 'bm25') },
    hybrid_minus_previous_bm25_at_10: {
      all: at10('all', 'hybrid') - at10('all', 'previous bm25 (b 0.75, no expansion)'),
      held_out: at10('held_out', 'hybrid') - at10('held_out', 'previous bm25 (b 0.75, no expansion)'),
    },
  },
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/locomo.json', `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result));
console.log(`dense index recall@10 vs exact Float32 on the bundled model's real vectors: ${(denseRecallSum / questions.all).toFixed(3)}`);
console.log(`defaults tuned on ${result.tuning_conversations.join(', ')} (${questions.tuning} questions); held out: ${result.held_out_conversations.join(', ')} (${questions.held_out} questions)`);
for (const split of SPLITS) {
  console.log(`\n${split} (${questions[split]} questions)`);
  console.table(Object.fromEntries(NAMES.map((m) => [m, Object.fromEntries(Object.entries(recall[split][m]).map(([k, v]) => [k, v.toFixed(3)]))])));
}
