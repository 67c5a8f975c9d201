// Memory retrieval quality on LoCoMo (Maharana et al., ACL 2024): each conversation's turns are one user's
// history; for every question of categories 1–4 we retrieve the top k turns and score evidence recall@k (share of
// the question's evidence turns in the top k), averaged over questions. BM25 alone, dense alone (the bundled
// GloVe embedder) and hybrid — as the app runs them: each turn's vector carries the two turns before it in the same session
// as context (core/conversation-context), HybridRetriever's defaults — beside turn vectors without context and the
// previous defaults (BM25 with b = 0.75 and no query expansion, RRF with equal weights), in one run.
//
// The retrieval defaults (BM25 b, verb-form expansion, score fusion and its weights, the context weight) were chosen on
// the first two conversations (TUNING); the other three were held out. Figures are reported for each part and for all
// five.
//
// Then the prompt itself: at the composer's default budget (1,536 prompt tokens: a 2,048-token context less 512 for
// the answer) and at 768 and 3,072, the share of questions whose evidence turns all end up inside the composed
// prompt (hits from the app's retrieval, neighbour turns quoted beside them), beside plain top-k cut to the same
// evidence tokens (bench/locomo/evidence-in-prompt.ts).
// Usage: npx tsx bench/locomo.ts [--locomo DIR]   (default ../shared/datasets/locomo)
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Bm25Index } from '../src/core/bm25';
import { exactSearch, recallAt } from '../src/core/exact-search';
import { CONTEXT_WEIGHTS, mixContext } from '../src/core/conversation-context';
import { HybridRetriever, type RetrieveOptions } from '../src/core/hybrid-retriever';
import { wordsTokenizer } from '../src/core/tokenizer';
import { BUNDLED_EMBEDDER } from '../src/embed/embedder-config';
import { TransformersEmbedder } from '../src/embed/transformers-embedder';
import { composed, topKSameTokens, type PromptCase, type Turn as PromptTurn } from './locomo/evidence-in-prompt';

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
  /**
   * Which index: the product's (turn vectors with context), the same with each turn's own vector, or the previous
   * defaults (BM25 b = 0.75, no expansion, RRF; own vectors).
   */
  index: 'current' | 'own' | 'previous';
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
  'dense, no context': { index: 'own', vector: true, options: { weights: { keyword: 0 }, mmrLambda: 1 } },
  'hybrid, no context (dense 0.3)': { index: 'own', vector: true, options: { mmrLambda: 1, weights: { keyword: 0.7, dense: 0.3 } } },
  'previous bm25 (b 0.75, no expansion)': { index: 'previous', vector: false, options: { ...PREVIOUS, mmrLambda: 1 } },
  'previous hybrid (RRF, equal weights)': { index: 'previous', vector: true, options: { ...PREVIOUS, mmrLambda: 1 } },
} satisfies Record<string, Method>;
type MethodName = keyof typeof METHODS;
const NAMES = Object.keys(METHODS) as MethodName[];

const embedder = await TransformersEmbedder.load({ ...BUNDLED_EMBEDDER, localModelPath: fileURLToPath(new URL('../public/models/', import.meta.url)) });
const sums = Object.fromEntries(SPLITS.map((split) => [split, Object.fromEntries(NAMES.map((m) => [m, KS.map(() => 0)]))])) as Record<Split, Record<MethodName, number[]>>;
const questions: Record<Split, number> = { tuning: 0, held_out: 0, all: 0 };
let denseRecallSum = 0;
/** Prompt budgets (tokens of the whole prompt: context − answer); the default first. */
const BUDGETS = [1_536, 768, 3_072] as const;
const PROMPT_VARIANTS = ['composer', 'composer with neighbour turns', 'top-k, same tokens'] as const;
interface InPromptSum {
  all: number;
  share: number;
  tokens: number;
  charsKept: number;
}
const inPrompt = Object.fromEntries(BUDGETS.map((b) => [b, Object.fromEntries(PROMPT_VARIANTS.map((v) => [v, { all: 0, share: 0, tokens: 0, charsKept: 0 }]))])) as Record<
  number,
  Record<(typeof PROMPT_VARIANTS)[number], InPromptSum>
>;
const files = readdirSync(values.locomo).filter((f) => f.endsWith('.json')).sort();
for (const file of files) {
  const conversation = JSON.parse(readFileSync(join(values.locomo, file), 'utf8')) as Record<string, unknown> & { qa: Question[] };
  const turns = Object.entries(conversation)
    .filter(([key, value]) => /^session_\d+$/.test(key) && Array.isArray(value))
    .flatMap(([, value]) => value as Turn[]);
  const texts = turns.map((t) => `${t.speaker}: ${t.text}${t.blip_caption ? ` [shares a photo: ${t.blip_caption}]` : ''}`);
  const ids = turns.map((t) => t.dia_id);
  const ownVectors = await embedder.embed(texts);
  // The turns before, in the same session (dia ids read D<session>:<turn>), are a turn's context — as the embedding
  // indexer gives a message its conversation's previous messages.
  const session = (id: string) => id.split(':')[0];
  const contextOf = (i: number) =>
    CONTEXT_WEIGHTS.map((_, j) => i - 1 - j).filter((p) => p >= 0 && session(ids[p] ?? '') === session(ids[i] ?? ''));
  const turnVectors = mixContext(ownVectors, embedder.dim, ids.map((_, i) => ({ own: i, context: contextOf(i) })));
  const retrievers = {
    current: new HybridRetriever(),
    own: new HybridRetriever(),
    previous: new HybridRetriever(wordsTokenizer, new Bm25Index({ k1: 1.2, b: 0.75 })),
  };
  for (const [name, retriever] of Object.entries(retrievers)) {
    turns.forEach((turn, i) => {
      retriever.addDocument(turn.dia_id, texts[i] ?? '', { ts: i, kind: 'message', source: 'locomo' });
    });
    retriever.addVectors(ids, name === 'current' ? turnVectors : ownVectors, embedder.dim);
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
  // Evidence in the prompt, from the app's retrieval (hybrid + MMR 0.7), 150 hits deep (more than any budget holds).
  const byId = new Map<string, PromptTurn>(ids.map((id, i) => [id, { id, text: texts[i] ?? '' }]));
  const previous = new Map<string, PromptTurn>();
  ids.forEach((id, i) => {
    const before = ids[i - 1];
    // Turns of the same session only: dia ids read D<session>:<turn>.
    if (before && before.split(':')[0] === id.split(':')[0]) previous.set(id, byId.get(before) as PromptTurn);
  });
  asked.forEach((q, i) => {
    const vector = queryVectors.subarray(i * embedder.dim, (i + 1) * embedder.dim);
    const hits = retrievers.current.retrieve({ text: q.question, vector }, { limit: 150 });
    const test: PromptCase = { question: q.question, evidence: q.evidence, hits: hits.map((hit) => byId.get(hit.id) as PromptTurn), previous };
    for (const budget of BUDGETS) {
      // The engine's composer (no neighbour turns), and plain top-k given exactly its evidence tokens.
      const composer = composed(test, budget, false);
      const results = { composer, 'composer with neighbour turns': composed(test, budget, true), 'top-k, same tokens': topKSameTokens(test, composer.tokens) };
      for (const variant of PROMPT_VARIANTS) {
        const sum = (inPrompt[budget] as Record<string, InPromptSum>)[variant] as InPromptSum;
        sum.all += results[variant].all ? 1 : 0;
        sum.share += results[variant].share;
        sum.tokens += results[variant].tokens;
        sum.charsKept += results[variant].charsKept;
      }
    }
  });
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
const promptTable = Object.fromEntries(
  BUDGETS.flatMap((budget) =>
    PROMPT_VARIANTS.map((variant) => {
      const sum = inPrompt[budget]?.[variant] ?? { all: 0, share: 0, tokens: 0, charsKept: 0 };
      return [
        `${budget} tokens: ${variant}`,
        { all_evidence_in_prompt: sum.all / questions.all, evidence_share: sum.share / questions.all, evidence_chars_kept: sum.charsKept / questions.all, evidence_tokens: sum.tokens / questions.all },
      ];
    }),
  ),
);
const promptShare = (budget: number, variant: (typeof PROMPT_VARIANTS)[number]) => (inPrompt[budget]?.[variant].all ?? Number.NaN) / questions.all;
const result = {
  benchmark: 'locomo-evidence-recall',
  conversations: files.length,
  tuning_conversations: files.filter((f) => TUNING.has(f)),
  held_out_conversations: files.filter((f) => !TUNING.has(f)),
  questions,
  embedder: embedder.model,
  recall,
  evidence_in_prompt: promptTable,
  summary: {
    recall_at_10_vs_exact_real_vectors: denseRecallSum / questions.all,
    locomo_recall_at_10_bm25: at10('all', 'bm25'),
    locomo_recall_at_10_dense: at10('all', 'dense'),
    locomo_recall_at_10_hybrid: at10('all', 'hybrid'),
    held_out_recall_at_10_bm25: at10('held_out', 'bm25'),
    held_out_recall_at_10_hybrid: at10('held_out', 'hybrid'),
    hybrid_minus_bm25_at_10: { all: at10('all', 'hybrid') - at10('all', 'bm25'), held_out: at10('held_out', 'hybrid') - at10('held_out', 'bm25') },
    locomo_evidence_in_prompt_share: promptShare(1_536, 'composer'),
    locomo_evidence_in_topk_same_tokens_share: promptShare(1_536, 'top-k, same tokens'),
    composer_minus_topk_by_budget: Object.fromEntries(BUDGETS.map((b) => [b, promptShare(b, 'composer') - promptShare(b, 'top-k, same tokens')])),
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
console.log(`\nevidence inside the prompt (${questions.all} questions; budgets are whole-prompt tokens, estimateTokens)`);
console.table(
  Object.fromEntries(
    Object.entries(promptTable).map(([k, v]) => [
      k,
      { all_evidence_in_prompt: v.all_evidence_in_prompt.toFixed(3), evidence_share: v.evidence_share.toFixed(3), evidence_chars_kept: v.evidence_chars_kept.toFixed(3), evidence_tokens: v.evidence_tokens.toFixed(0) },
    ]),
  ),
);
