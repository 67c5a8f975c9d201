// A conversation's messages are embedded with the exchange before them as context (core/conversation-context): the
// store finds that context through its by-session index, the indexer mixes it in, and deleting a message sends the
// messages that carried it back to the queue so no trace of its text stays in any vector.
import { expect, test } from 'vitest';
import { mixContext } from '../../../src/core/conversation-context';
import type { HistoryEventInput } from '../../../src/core/history-event';
import { EmbeddingIndexer } from '../../../src/engine/embedding-indexer';
import type { PersonaStore } from '../../../src/store/persona-store';
import { HashingEmbedder } from '../../support/hashing-embedder';
import { openTestStore } from '../../support/store';

const message = (id: string, ts: number, text: string, sessionId = 'chat'): HistoryEventInput => ({ id, ts, kind: 'message', text, sessionId });

/** A chat with a click and an empty message in it, a second chat interleaved, and a note outside any chat. */
const conversation: HistoryEventInput[] = [
  message('m1', 1_000, 'where should we hike this weekend'),
  message('m2', 2_000, 'the ridge trail above the lake'),
  { id: 'click', ts: 2_500, kind: 'click', text: 'trail map', sessionId: 'chat' },
  message('m3', 3_000, 'is it steep for a beginner'),
  message('other', 3_200, 'a different chat about taxes', 'other-chat'),
  message('blank', 3_500, '   '),
  message('m4', 4_000, 'moderate, bring poles'),
  message('m4-same-time', 4_000, 'and water'),
  message('m5', 5_000, 'thanks, we will go early'),
  message('m6', 6_000, 'send me a photo from the top'),
  { id: 'note', ts: 6_500, kind: 'note', text: 'buy hiking poles' },
];

async function vectorsOf(store: PersonaStore, model: string): Promise<Map<string, Float32Array>> {
  const loaded = await store.segments.loadVectors(model);
  const byId = new Map<string, Float32Array>();
  loaded?.ids.forEach((id, i) => byId.set(id, loaded.vectors.slice(i * loaded.dim, (i + 1) * loaded.dim)));
  return byId;
}

async function expected(embedder: HashingEmbedder, own: string, context: readonly string[]): Promise<Float32Array> {
  const pool = await embedder.embed([own, ...context]);
  return mixContext(pool, embedder.dim, [{ own: 0, context: context.map((_, j) => j + 1) }]);
}

function expectVector(actual: Float32Array | undefined, wanted: Float32Array): void {
  expect(actual).toBeDefined();
  wanted.forEach((value, k) => {
    expect(actual?.[k]).toBeCloseTo(value, 5);
  });
}

test('previous messages: same chat, earlier in time, with text, nearest first; simultaneous ones excluded', async () => {
  const store = await openTestStore();
  await store.record(conversation);
  const ids = async (event: { sessionId?: string; ts: number }, count = 2) => (await store.events.previousMessages([event], count))[0]?.map((e) => e.id);
  expect(await ids({ sessionId: 'chat', ts: 5_000 })).toEqual(expect.arrayContaining(['m4', 'm4-same-time']));
  expect(await ids({ sessionId: 'chat', ts: 4_000 })).toEqual(['m3', 'm2']);
  expect(await ids({ sessionId: 'chat', ts: 4_000 }, 3)).toEqual(['m3', 'm2', 'm1']);
  expect(await ids({ sessionId: 'chat', ts: 1_000 })).toEqual([]);
  expect(await ids({ sessionId: 'other-chat', ts: 9_000 })).toEqual(['other']);
  expect(await ids({ ts: 9_000 })).toEqual([]);
  store.close();
});

test("a chat message's vector carries the two messages before it, across batches; other events keep their own", async () => {
  const store = await openTestStore();
  await store.record(conversation);
  const embedder = new HashingEmbedder(64);
  // Batches of two: most contexts were embedded in an earlier batch and are read back from the store.
  await new EmbeddingIndexer(store, embedder, { batchSize: 2 }).drain();
  const vectors = await vectorsOf(store, embedder.model);
  expectVector(vectors.get('m1'), await expected(embedder, 'where should we hike this weekend', []));
  expectVector(vectors.get('m2'), await expected(embedder, 'the ridge trail above the lake', ['where should we hike this weekend']));
  expectVector(vectors.get('m4'), await expected(embedder, 'moderate, bring poles', ['is it steep for a beginner', 'the ridge trail above the lake']));
  expectVector(vectors.get('other'), await expected(embedder, 'a different chat about taxes', []));
  expectVector(vectors.get('note'), await expected(embedder, 'buy hiking poles', []));
  expectVector(vectors.get('click'), await expected(embedder, 'trail map', []));
  expect(vectors.has('blank')).toBe(false);
  store.close();
});

test('deleting a message requeues the messages whose context held it, and their new vectors leave it out', async () => {
  const store = await openTestStore();
  await store.record(conversation);
  const embedder = new HashingEmbedder(64);
  const indexer = new EmbeddingIndexer(store, embedder);
  await indexer.drain();
  await store.events.delete('m3');
  const state = async (id: string) => (await store.events.get(id))?.embedState;
  // m4 and its simultaneous reply looked back to m3 (and m2); m5 to m4 and m4-same-time; m6 to m5 and one of those.
  expect(await state('m4')).toBe('pending');
  expect(await state('m4-same-time')).toBe('pending');
  expect(await state('m5')).toBe('done');
  expect(await state('m2')).toBe('done');
  expect(await state('note')).toBe('done');
  expect(await indexer.queue.pending()).toBe(2);
  await indexer.drain();
  const vectors = await vectorsOf(store, embedder.model);
  expect(vectors.has('m3')).toBe(false);
  expectVector(vectors.get('m4'), await expected(embedder, 'moderate, bring poles', ['the ridge trail above the lake', 'where should we hike this weekend']));
  // Deleting what is not a chat message requeues nothing.
  await store.events.delete(['note', 'click']);
  expect(await indexer.queue.pending()).toBe(0);
  store.close();
});
