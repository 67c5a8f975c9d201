// Chat messages carry the exchange before them, with the real bundled model in its worker and IndexedDB in Chromium:
// a reply that names no topic is found by meaning from the question it answered, and once that question is deleted
// the reply is embedded again from its own words alone.
import { expect, test } from 'vitest';
import type { HistoryEventInput } from '../../src/core/history-event';
import { BUNDLED_EMBEDDER } from '../../src/embed/embedder-config';
import { WorkerEmbedder } from '../../src/embed/worker-embedder';
import { EmbeddingIndexer } from '../../src/engine/embedding-indexer';
import { HistoryRetrieval } from '../../src/engine/history-retrieval';
import { PersonaStore } from '../../src/store/persona-store';
import { uniqueName } from '../support/store';

const chat = (sessionId: string, question: string, reply: string, ts: number): HistoryEventInput[] => [
  { id: `${sessionId}-q`, kind: 'message', role: 'assistant', sessionId, ts, text: question },
  { id: `${sessionId}-a`, kind: 'message', role: 'user', sessionId, ts: ts + 1_000, text: reply },
];

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let k = 0; k < a.length; k++) dot += (a[k] ?? 0) * (b[k] ?? 0);
  return dot / (Math.hypot(...a) * Math.hypot(...b));
}

test('a reply is found from the question it answered, and forgets it when the question is deleted', async () => {
  const store = await PersonaStore.open({ name: uniqueName('context') });
  const embedder = await WorkerEmbedder.start(() => new Worker(new URL('../../workers/embedder.worker.ts', import.meta.url), { type: 'module' }), BUNDLED_EMBEDDER);
  try {
    // Two replies that differ in one word; only their questions say what they are about.
    await store.record([
      ...chat('pottery', 'Did you ever make it to the pottery workshop downtown?', 'Yes, last Saturday with my sister, we loved it.', 1_000),
      ...chat('football', 'How was the football match at the stadium?', 'Yes, last Saturday with my brother, we loved it.', 10_000),
    ]);
    const indexer = new EmbeddingIndexer(store, embedder);
    await indexer.drain();
    const retrieval = await HistoryRetrieval.open(store, embedder);
    const replies = async (query: string) =>
      (await retrieval.retrieve(query, { limit: 4, mmrLambda: 1, weights: { keyword: 0 } })).hits.map((hit) => hit.id).filter((id) => id.endsWith('-a'));
    expect(await replies('ceramics and clay')).toEqual(['pottery-a', 'football-a']);
    expect(await replies('soccer game')).toEqual(['football-a', 'pottery-a']);
    retrieval.close();

    await store.events.delete('pottery-q');
    expect((await store.events.get('pottery-a'))?.embedState).toBe('pending');
    await indexer.drain();
    const stored = await store.segments.loadVectors(embedder.model);
    const slot = stored?.ids.lastIndexOf('pottery-a') ?? -1;
    const dim = embedder.dim;
    const vector = stored?.vectors.slice(slot * dim, (slot + 1) * dim) ?? new Float32Array(dim);
    const own = await embedder.embed(['Yes, last Saturday with my sister, we loved it.']);
    expect(cosine(vector, own)).toBeGreaterThan(0.9999);
  } finally {
    embedder.terminate();
    store.close();
  }
});
