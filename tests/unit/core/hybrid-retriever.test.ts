// Hybrid retrieval on real sentence vectors (the bundled GloVe model in Node): keyword and dense lists fused,
// filtered, shaped by recency and MMR, each hit with the parts of its score.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EventKind } from '../../../src/core/history-event';
import { HybridRetriever } from '../../../src/core/hybrid-retriever';
import { BUNDLED_EMBEDDER } from '../../../src/embed/embedder-config';
import { TransformersEmbedder } from '../../../src/embed/transformers-embedder';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 1);
let embedder: TransformersEmbedder;

beforeAll(async () => {
  embedder = await TransformersEmbedder.load({ ...BUNDLED_EMBEDDER, localModelPath: fileURLToPath(new URL('../../../public/models/', import.meta.url)) });
});
afterAll(async () => {
  await embedder.dispose();
});

const HISTORY: { id: string; text: string; kind: EventKind; source: string; ageDays: number }[] = [
  { id: 'pasta', text: 'I cooked fresh spaghetti with tomato sauce and basil tonight', kind: 'note', source: 'app', ageDays: 3 },
  { id: 'allergy', text: 'I am allergic to peanuts, please never suggest them', kind: 'preference', source: 'app', ageDays: 300 },
  { id: 'hike', text: 'We hiked up the mountain trail at sunrise', kind: 'note', source: 'app', ageDays: 10 },
  { id: 'stocks', text: 'Read an article about interest rates and the stock market', kind: 'view', source: 'widget:news', ageDays: 1 },
  { id: 'risotto', text: 'Watched a video on making mushroom risotto', kind: 'view', source: 'widget:video', ageDays: 20 },
  { id: 'risotto-again', text: 'Watched another video on making mushroom risotto', kind: 'view', source: 'widget:video', ageDays: 2 },
  { id: 'flight', text: 'Booked flight AF1234 to Lyon for May', kind: 'purchase', source: 'widget:travel', ageDays: 40 },
];

async function build(): Promise<HybridRetriever> {
  const retriever = new HybridRetriever();
  for (const item of HISTORY) retriever.addDocument(item.id, item.text, { ts: NOW - item.ageDays * DAY, kind: item.kind, source: item.source });
  retriever.addVectors(HISTORY.map((h) => h.id), await embedder.embed(HISTORY.map((h) => h.text)), embedder.dim);
  return retriever;
}

async function ask(retriever: HybridRetriever, text: string, options: Parameters<HybridRetriever['retrieve']>[1] = {}) {
  const [vector] = [await embedder.embed([text])];
  return retriever.retrieve({ text, vector }, options);
}

describe('HybridRetriever', () => {
  test('finds by meaning where no word matches, and by rare keyword where meaning alone is weak', async () => {
    const retriever = await build();
    // No word of the query occurs in the note (without expansion, 'cooking' is not 'cooked' to the keyword index).
    const dinner = await ask(retriever, 'cooking dinner', { limit: 3, mmrLambda: 1, expandTerms: false });
    expect(dinner[0]?.id).toBe('pasta');
    expect(dinner[0]?.parts.lists.dense?.rank).toBe(1);
    expect(dinner[0]?.parts.lists.keyword).toBeUndefined();
    const code = await ask(retriever, 'AF1234', { limit: 1 });
    expect(code[0]?.id).toBe('flight');
    expect(code[0]?.parts.lists.keyword?.rank).toBe(1);
    expect(code[0]?.parts.matchedTerms).toEqual(['af1234']);
  });

  test('filters by kind, source and time inside both lists', async () => {
    const retriever = await build();
    const views = await ask(retriever, 'cooking dinner', { kinds: ['view'] });
    expect(views.length).toBeGreaterThan(0);
    expect(views.every((h) => ['stocks', 'risotto', 'risotto-again'].includes(h.id))).toBe(true);
    const news = await ask(retriever, 'money', { sources: ['widget:news'] });
    expect(news.map((h) => h.id)).toEqual(['stocks']);
    const recent = await ask(retriever, 'food', { from: NOW - 5 * DAY });
    expect(recent.map((h) => h.id).sort()).toEqual(['pasta', 'risotto-again', 'stocks']);
  });

  test('recency favours the newer of two equally relevant items but keeps old ones retrievable', async () => {
    const retriever = await build();
    const noDecay = await ask(retriever, 'mushroom risotto video', { limit: 2, mmrLambda: 1 });
    expect(noDecay.map((h) => h.id).sort()).toEqual(['risotto', 'risotto-again']);
    const decayed = await ask(retriever, 'mushroom risotto video', { limit: 2, mmrLambda: 1, now: NOW, halfLifeMs: 7 * DAY });
    expect(decayed[0]?.id).toBe('risotto-again');
    expect(decayed[0]?.parts.recency).toBeGreaterThan(decayed[1]?.parts.recency ?? 1);
    const allergy = await ask(retriever, 'peanuts allergy', { limit: 1, now: NOW });
    expect(allergy[0]?.id).toBe('allergy');
  });

  test('MMR keeps a near-duplicate from taking the second slot', async () => {
    const retriever = await build();
    const plain = await ask(retriever, 'mushroom risotto', { limit: 2, mmrLambda: 1 });
    expect(plain.map((h) => h.id).sort()).toEqual(['risotto', 'risotto-again']);
    const diverse = await ask(retriever, 'mushroom risotto', { limit: 2, mmrLambda: 0.3 });
    expect(diverse.map((h) => h.id)).toHaveLength(2);
    expect(diverse.filter((h) => h.id.startsWith('risotto'))).toHaveLength(1);
  });

  test('query words match other forms of the same verb, unless expansion is turned off', async () => {
    const retriever = await build();
    const cooking = await ask(retriever, 'cooking', { limit: 1 });
    expect(cooking[0]?.id).toBe('pasta');
    expect(cooking[0]?.parts.matchedTerms).toEqual(['cooked']);
    expect(cooking[0]?.parts.lists.keyword?.rank).toBe(1);
    const literal = retriever.retrieve({ text: 'cooking hiking' }, { expandTerms: false });
    expect(literal).toEqual([]);
    expect(retriever.retrieve({ text: 'hiking' }).map((h) => [h.id, h.parts.matchedTerms])).toEqual([['hike', ['hiked']]]);
    // The retriever remembers a word's variants, not which of them the index holds: a form added later matches too.
    retriever.addDocument('hike2', 'Hiking the ridge again next week', { ts: Date.now(), kind: 'note', source: 'app' });
    const later = retriever.retrieve({ text: 'hiking' }, { limit: 5 });
    expect(Object.fromEntries(later.map((h) => [h.id, h.parts.matchedTerms]))).toEqual({ hike: ['hiked'], hike2: ['hiking'] });
  });

  test('score fusion by default; RRF on request; per-list weights', async () => {
    const retriever = await build();
    const text = 'mushroom video';
    const [vector] = [await embedder.embed([text])];
    const score = retriever.retrieve({ text, vector }, { limit: 3, mmrLambda: 1 });
    const top = score[0];
    // Score fusion: keyword 0.6 × BM25 / best + dense 0.4 × min-max cosine.
    expect(top?.score).toBeLessThanOrEqual(1 + 1e-12);
    expect(top?.parts.fused).toBe(top?.score);
    const rrf = retriever.retrieve({ text, vector }, { limit: 3, mmrLambda: 1, fusion: 'rrf' });
    expect(rrf[0]?.score).toBeLessThan(2 / 61 + 1e-12);
    expect(rrf.map((h) => h.id).slice(0, 2).sort()).toEqual(['risotto', 'risotto-again']);
    const keywordOnly = retriever.retrieve({ text, vector }, { limit: 7, mmrLambda: 1, weights: { dense: 0 } });
    expect(keywordOnly.filter((h) => h.score > 0).every((h) => h.parts.lists.keyword)).toBe(true);
  });

  test('removed items are never returned; keyword-only retrieval works without vectors', async () => {
    const retriever = await build();
    retriever.remove(['pasta']);
    expect((await ask(retriever, 'spaghetti tomato sauce')).map((h) => h.id)).not.toContain('pasta');
    const keywordOnly = new HybridRetriever();
    keywordOnly.addDocument('a', 'green tea in the morning', { ts: 0, kind: 'note', source: 'app' });
    keywordOnly.addDocument('b', 'coffee after lunch', { ts: 0, kind: 'note', source: 'app' });
    expect(keywordOnly.retrieve({ text: 'tea' }).map((h) => h.id)).toEqual(['a']);
  });
});
