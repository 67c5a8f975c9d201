// Retrieval over a real store with the bundled embedder: loaded from segments, caught up from the change feed
// (another connection's writes included), and the same after a reopen as built incrementally.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { HistoryEventInput } from '../../../src/core/history-event';
import { BUNDLED_EMBEDDER } from '../../../src/embed/embedder-config';
import { TransformersEmbedder } from '../../../src/embed/transformers-embedder';
import { EmbeddingIndexer } from '../../../src/engine/embedding-indexer';
import { HistoryRetrieval } from '../../../src/engine/history-retrieval';
import type { ChangeMessage } from '../../../src/store/change-feed';
import { PersonaStore } from '../../../src/store/persona-store';
import { uniqueName, waitFor } from '../../support/store';

let embedder: TransformersEmbedder;
beforeAll(async () => {
  embedder = await TransformersEmbedder.load({ ...BUNDLED_EMBEDDER, localModelPath: fileURLToPath(new URL('../../../public/models/', import.meta.url)) });
});
afterAll(async () => {
  await embedder.dispose();
});

const NOTES: HistoryEventInput[] = [
  { id: 'pasta', kind: 'note', text: 'I cooked fresh spaghetti with tomato sauce tonight', ts: 1_000 },
  { id: 'hike', kind: 'note', text: 'We hiked up the mountain trail at sunrise', ts: 2_000 },
  { id: 'bank', kind: 'view', text: 'Read about interest rates and the stock market', ts: 3_000, source: 'widget:news' },
  { id: 'flight', kind: 'purchase', text: 'Booked flight AF1234 to Lyon for May', ts: 4_000 },
];

async function seeded(name = uniqueName('retrieval')): Promise<PersonaStore> {
  const store = await PersonaStore.open({ name });
  await store.record(NOTES);
  await new EmbeddingIndexer(store, embedder).drain();
  return store;
}

test('answers with events and score parts, keyword and dense, with filters', async () => {
  const store = await seeded();
  const retrieval = await HistoryRetrieval.open(store, embedder);
  expect(retrieval.size).toBe(4);
  const dinner = await retrieval.retrieve('cooking dinner', { limit: 2, mmrLambda: 1 });
  expect(dinner.hits[0]?.event.id).toBe('pasta');
  expect(dinner.hits[0]?.parts.lists.dense?.rank).toBe(1);
  expect(dinner.timings.embedMs).toBeGreaterThanOrEqual(0);
  const code = await retrieval.retrieve('AF1234', { limit: 1 });
  expect(code.hits[0]?.event.text).toMatch(/Lyon/);
  expect(code.hits[0]?.parts.matchedTerms).toEqual(['af1234']);
  const news = await retrieval.retrieve('money', { sources: ['widget:news'] });
  expect(news.hits.map((h) => h.id)).toEqual(['bank']);
  retrieval.close();
  store.close();
});

test("catches up with another connection's records, embeddings and deletes", async () => {
  const name = uniqueName('retrieval');
  const store = await seeded(name);
  const retrieval = await HistoryRetrieval.open(store, embedder);
  const other = await PersonaStore.open({ name });

  const segmentsHeard = waitFor<ChangeMessage>((l) => store.subscribe(l), (m) => m.changes.some((c) => c.store === 'segments' && c.ids?.includes('vectors:persona-glove-100d:q8')));
  await other.record({ id: 'ramen', kind: 'note', text: 'Slurped tonkotsu ramen noodles in Tokyo', ts: 5_000 });
  await new EmbeddingIndexer(other, embedder).drain();
  await segmentsHeard;
  const noodles = await retrieval.retrieve('japanese noodle soup', { limit: 1, mmrLambda: 1 });
  expect(noodles.hits[0]?.id).toBe('ramen');
  expect(noodles.hits[0]?.parts.lists.dense).toBeDefined();
  const keyword = await retrieval.retrieve('tonkotsu', { limit: 1 });
  expect(keyword.hits[0]?.id).toBe('ramen');

  const deleted = waitFor<ChangeMessage>((l) => store.subscribe(l), (m) => m.changes.some((c) => c.store === 'events' && c.op === 'delete'));
  await other.events.delete('ramen');
  await deleted;
  expect((await retrieval.retrieve('tonkotsu ramen')).hits.map((h) => h.id)).not.toContain('ramen');

  // A fresh load from the store agrees with the incrementally maintained index.
  const fresh = await HistoryRetrieval.open(store, embedder);
  for (const query of ['cooking dinner', 'mountain', 'flight to Lyon']) {
    const a = await retrieval.retrieve(query, { mmrLambda: 1 });
    const b = await fresh.retrieve(query, { mmrLambda: 1 });
    expect(a.hits.map((h) => h.id)).toEqual(b.hits.map((h) => h.id));
  }
  fresh.close();
  retrieval.close();
  other.close();
  store.close();
});

test('keyword-only without an embedder', async () => {
  const store = await PersonaStore.open({ name: uniqueName('retrieval') });
  await store.record(NOTES);
  const retrieval = await HistoryRetrieval.open(store);
  expect((await retrieval.retrieve('spaghetti')).hits.map((h) => h.id)).toEqual(['pasta']);
  retrieval.close();
  store.close();
});

test('a write during open is not lost, and an id deleted then recorded again stays findable', async () => {
  const store = await PersonaStore.open({ name: uniqueName('retrieval') });
  await store.record(Array.from({ length: 3_000 }, (_, i): HistoryEventInput => ({ id: `bulk${i}`, kind: 'note', text: `ordinary note ${i}` })));
  const opening = HistoryRetrieval.open(store);
  await store.record({ id: 'late', kind: 'note', text: 'a zephyr and a quokka' });
  const retrieval = await opening;
  expect((await retrieval.retrieve('quokka')).hits.map((h) => h.id)).toEqual(['late']);

  await Promise.all([
    store.record({ id: 'x', kind: 'note', text: 'xylophone lessons' }),
    store.events.delete('x'),
    store.record({ id: 'x', kind: 'note', text: 'xylophone lessons again' }),
  ]);
  expect((await retrieval.retrieve('xylophone')).hits.map((h) => h.event.text)).toEqual(['xylophone lessons again']);
  retrieval.close();
  store.close();
});

test('a wipe leaves nothing of the history in the index', async () => {
  const store = await seeded();
  const retrieval = await HistoryRetrieval.open(store, embedder);
  expect(retrieval.size).toBe(4);
  await store.wipe({ cacheNames: [] });
  expect(retrieval.size).toBe(0);
  // The wiped store is closed: retrieval over it says so rather than answering from memory.
  await expect(retrieval.retrieve('spaghetti')).rejects.toMatchObject({ name: 'StoreClosedError' });
  retrieval.close();
});
