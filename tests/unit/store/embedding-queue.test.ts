// The embedding queue: events are stored first and embedded after; a drain stopped half-way resumes after a
// reopen with nothing lost or embedded twice; failures and empty texts leave the queue; a model switch requeues.
import { expect, test } from 'vitest';
import type { HistoryEventInput } from '../../../src/core/history-event';
import { EmbeddingIndexer } from '../../../src/engine/embedding-indexer';
import { PersonaStore } from '../../../src/store/persona-store';
import { HashingEmbedder } from '../../support/hashing-embedder';
import { uniqueName } from '../../support/store';

const events = (n: number, text = (i: number) => `note number ${i} about cooking`): HistoryEventInput[] =>
  Array.from({ length: n }, (_, i) => ({ id: `q${i}`, kind: 'note', text: text(i), ts: 1_000 + i }));

test('a drain stopped mid-queue resumes after the store is reopened, embedding each event once', async () => {
  const name = uniqueName('queue');
  let store = await PersonaStore.open({ name });
  await store.record(events(100));
  const embedder = new HashingEmbedder();
  const controller = new AbortController();
  const first = await new EmbeddingIndexer(store, embedder, {
    batchSize: 16,
    onProgress: ({ embedded }) => {
      if (embedded >= 32) controller.abort();
    },
  }).drain(controller.signal);
  expect(first).toMatchObject({ embedded: 32, aborted: true });
  store.close();

  store = await PersonaStore.open({ name });
  const indexer = new EmbeddingIndexer(store, embedder, { batchSize: 16 });
  expect(await indexer.queue.pending()).toBe(68);
  // The oldest pending events come first.
  expect((await indexer.queue.next(2)).map((e) => e.id)).toEqual(['q32', 'q33']);
  const second = await indexer.drain();
  expect(second).toMatchObject({ embedded: 68, aborted: false });
  const loaded = await store.segments.loadVectors(embedder.model);
  expect(loaded?.ids).toHaveLength(100);
  expect(new Set(loaded?.ids).size).toBe(100);
  expect(await indexer.queue.pending()).toBe(0);
  store.close();
});

test('empty texts are skipped and only the text that fails is marked failed, so the queue never stalls', async () => {
  const store = await PersonaStore.open({ name: uniqueName('queue') });
  await store.record(events(6, (i) => (i === 1 ? '   ' : i === 4 ? 'poison pill' : `note ${i}`)));
  const indexer = new EmbeddingIndexer(store, new HashingEmbedder(32, (t) => t.includes('poison')), { batchSize: 3 });
  const warn = console.warn;
  console.warn = () => undefined;
  const result = await indexer.drain().finally(() => {
    console.warn = warn;
  });
  expect(result).toEqual({ embedded: 4, skipped: 1, failed: 1, aborted: false });
  expect((await store.events.get('q5'))?.embedState).toBe('done');
  expect((await store.events.get('q1'))?.embedState).toBe('skipped');
  expect((await store.events.get('q4'))?.embedState).toBe('failed');
  expect((await store.events.get('q0'))?.embedState).toBe('done');
  store.close();
});

test('switching model requeues everything embedded with another model, and failures', async () => {
  const store = await PersonaStore.open({ name: uniqueName('queue') });
  await store.record(events(20));
  await new EmbeddingIndexer(store, new HashingEmbedder(16)).drain();
  const next = new HashingEmbedder(24);
  const indexer = new EmbeddingIndexer(store, next);
  expect(await indexer.queue.requeueAllBut(next.model, 7)).toBe(20);
  expect(await indexer.queue.requeueAllBut(next.model, 7)).toBe(0);
  await indexer.drain();
  expect((await store.segments.loadVectors(next.model))?.ids).toHaveLength(20);
  expect((await store.events.get('q3'))?.embedModel).toBe(next.model);
  store.close();
});

test('an embedder that fails on everything stops the drain and marks nothing; failures can be retried', async () => {
  const store = await PersonaStore.open({ name: uniqueName('queue') });
  await store.record(events(10));
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    const down = new EmbeddingIndexer(store, new HashingEmbedder(16, () => true), { batchSize: 4 });
    await expect(down.drain()).rejects.toThrow(/cannot embed/);
    expect(await down.queue.pending()).toBe(10);
    // One text that truly fails is marked; once the cause is gone, retryFailed() puts it back.
    await new EmbeddingIndexer(store, new HashingEmbedder(16, (t) => t.includes('number 3 ')), { batchSize: 4 }).drain();
    expect((await store.events.get('q3'))?.embedState).toBe('failed');
    const healthy = new EmbeddingIndexer(store, new HashingEmbedder(16));
    expect(await healthy.queue.retryFailed()).toBe(1);
    await healthy.drain();
    expect((await store.events.get('q3'))?.embedState).toBe('done');
  } finally {
    console.warn = warn;
    store.close();
  }
});
