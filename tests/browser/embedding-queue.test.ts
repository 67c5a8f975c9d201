// The embedding queue with the real bundled model in its worker, in Chromium: a drain torn down mid-queue (store
// closed, worker terminated, as when the page goes away) resumes with a fresh store and worker, embeds every event
// once, and the history then answers by meaning.
import { expect, test } from 'vitest';
import type { HistoryEventInput } from '../../src/core/history-event';
import { BUNDLED_EMBEDDER } from '../../src/embed/embedder-config';
import { WorkerEmbedder } from '../../src/embed/worker-embedder';
import { EmbeddingIndexer } from '../../src/engine/embedding-indexer';
import { HistoryRetrieval } from '../../src/engine/history-retrieval';
import { PersonaStore } from '../../src/store/persona-store';
import { uniqueName } from '../support/store';

const TOPICS = [
  'cooked pasta with tomato sauce and basil',
  'went hiking on a mountain trail',
  'read about the stock market and interest rates',
  'listened to a jazz concert with saxophone',
];

async function startEmbedder(): Promise<WorkerEmbedder> {
  return WorkerEmbedder.start(() => new Worker(new URL('../../workers/embedder.worker.ts', import.meta.url), { type: 'module' }), BUNDLED_EMBEDDER);
}

test('a drain torn down mid-queue resumes in a fresh store and worker, and retrieval answers by meaning', async () => {
  const name = uniqueName('queue-browser');
  let store = await PersonaStore.open({ name });
  const events = Array.from({ length: 400 }, (_, i): HistoryEventInput => ({
    id: `b${i}`,
    kind: 'note',
    ts: 1_000 + i,
    text: `Day ${i}: ${TOPICS[i % TOPICS.length] ?? ''}`,
  }));
  await store.record(events);

  let embedder = await startEmbedder();
  const controller = new AbortController();
  const first = await new EmbeddingIndexer(store, embedder, {
    batchSize: 32,
    onProgress: ({ embedded }) => {
      if (embedded >= 96) controller.abort();
    },
  }).drain(controller.signal);
  expect(first.aborted).toBe(true);
  store.close();
  embedder.terminate();

  store = await PersonaStore.open({ name });
  embedder = await startEmbedder();
  const indexer = new EmbeddingIndexer(store, embedder, { batchSize: 64 });
  expect(await indexer.queue.pending()).toBe(400 - first.embedded);
  const second = await indexer.drain();
  expect(first.embedded + second.embedded).toBe(400);
  const vectors = await store.segments.loadVectors(embedder.model);
  expect(vectors?.ids).toHaveLength(400);
  expect(new Set(vectors?.ids).size).toBe(400);

  const retrieval = await HistoryRetrieval.open(store, embedder);
  const { hits } = await retrieval.retrieve('a walk up in the hills', { limit: 5, mmrLambda: 1, weights: { keyword: 0 } });
  expect(hits.every((hit) => hit.event.text.includes('hiking'))).toBe(true);
  retrieval.close();
  embedder.terminate();
  store.close();
});
