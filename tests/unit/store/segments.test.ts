// Vectors and postings in segments: append, load with model and dimension checked, tombstones, supersession,
// compaction, and deletes cascading from events.
import { afterEach, describe, expect, test } from 'vitest';
import { InvalidInputError, SegmentIntegrityError } from '../../../src/core/errors';
import type { HistoryEventInput } from '../../../src/core/history-event';
import { postingsOf } from '../../../src/core/postings';
import type { PersonaStore } from '../../../src/store/persona-store';
import { SegmentStore, postingsSpace, vectorSpace } from '../../../src/store/segments';
import { openTestStore } from '../../support/store';

let store: PersonaStore;
afterEach(() => {
  store.close();
});

function vectorOf(i: number, dim: number): Float32Array {
  return Float32Array.from({ length: dim }, (_, d) => i * 1000 + d);
}

async function seed(count: number, dim: number, model = 'test-model', segmentSize = 4): Promise<SegmentStore> {
  store = await openTestStore({ tokenizer: null });
  await store.record(Array.from({ length: count }, (_, i): HistoryEventInput => ({ id: `e${i}`, kind: 'note', text: `note ${i}` })));
  const segments = new SegmentStore(store.connection, segmentSize);
  const vectors = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) vectors.set(vectorOf(i, dim), i * dim);
  await segments.appendVectors(model, dim, Array.from({ length: count }, (_, i) => `e${i}`), vectors);
  return segments;
}

describe('vector segments', () => {
  test('append splits into segments, marks events embedded, and loads back exactly', async () => {
    const segments = await seed(10, 3);
    const info = await segments.spaces();
    expect(info).toEqual([{ space: vectorSpace('test-model'), kind: 'vectors', model: 'test-model', dim: 3, segments: 3, entries: 10, tombstones: 0 }]);
    const loaded = await segments.loadVectors('test-model');
    expect(loaded?.ids).toEqual(Array.from({ length: 10 }, (_, i) => `e${i}`));
    expect(loaded?.dim).toBe(3);
    expect(Array.from(loaded?.vectors.subarray(9 * 3, 10 * 3) ?? [])).toEqual(Array.from(vectorOf(9, 3)));
    const event = await store.events.get('e5');
    expect(event).toMatchObject({ embedState: 'done', embedModel: 'test-model' });
  });

  test('skips ids of events that no longer exist', async () => {
    store = await openTestStore({ tokenizer: null });
    await store.record({ id: 'kept', kind: 'note', text: 'x' });
    const segments = new SegmentStore(store.connection);
    const written = await segments.appendVectors('m', 2, ['kept', 'gone'], Float32Array.from([1, 2, 3, 4]));
    expect(written).toBe(1);
    expect((await segments.loadVectors('m'))?.ids).toEqual(['kept']);
  });

  test('refuses a dimension or float count that does not match, writing nothing', async () => {
    const segments = await seed(4, 3);
    await expect(segments.appendVectors('test-model', 5, ['e0'], new Float32Array(5))).rejects.toBeInstanceOf(SegmentIntegrityError);
    await expect(segments.appendVectors('test-model', 3, ['e0'], new Float32Array(4))).rejects.toBeInstanceOf(InvalidInputError);
    expect((await segments.loadVectors('test-model'))?.ids).toHaveLength(4);
  });

  test('deleting the whole history leaves no live vector, and compaction then empties the space', async () => {
    const segments = await seed(10, 2);
    const { deleted } = await store.events.deleteRange({});
    expect(deleted).toHaveLength(10);
    expect((await segments.loadVectors('test-model'))?.ids).toEqual([]);
    await segments.compact(vectorSpace('test-model'));
    expect(await segments.loadVectors('test-model')).toBeUndefined();
  });

  test('tombstones hide deleted ids until compaction, which keeps the rest intact', async () => {
    const segments = await seed(10, 2);
    await store.events.delete(['e1', 'e6']);
    let info = (await segments.spaces())[0];
    expect(info?.tombstones).toBe(2);
    const before = await segments.loadVectors('test-model');
    expect(before?.ids).toEqual(['e0', 'e2', 'e3', 'e4', 'e5', 'e7', 'e8', 'e9']);
    const rewritten = await segments.compact(vectorSpace('test-model'));
    expect(rewritten).toBe(3);
    info = (await segments.spaces())[0];
    expect(info).toMatchObject({ segments: 2, entries: 8, tombstones: 0 });
    const after = await segments.loadVectors('test-model');
    expect(after?.ids).toEqual(before?.ids);
    expect(after?.vectors).toEqual(before?.vectors);
    expect(await segments.compact(vectorSpace('test-model'))).toBe(0);
  });

  test('a later segment supersedes an earlier copy (re-embedding), and an id re-added after deletion is live', async () => {
    const segments = await seed(4, 2);
    await segments.appendVectors('test-model', 2, ['e2'], Float32Array.from([-1, -2]));
    const loaded = await segments.loadVectors('test-model');
    expect(loaded?.ids).toEqual(['e0', 'e1', 'e3', 'e2']);
    expect(Array.from(loaded?.vectors.subarray(6, 8) ?? [])).toEqual([-1, -2]);
    await store.events.delete('e0');
    await store.record({ id: 'e0', kind: 'note', text: 'back again' });
    await segments.appendVectors('test-model', 2, ['e0'], Float32Array.from([7, 7]));
    expect((await segments.loadVectors('test-model'))?.ids).toEqual(['e1', 'e3', 'e2', 'e0']);
  });

  test('models live in separate spaces, and a space can be dropped', async () => {
    const segments = await seed(4, 2, 'model-a');
    await segments.appendVectors('model-b', 3, ['e0', 'e1'], new Float32Array(6));
    expect((await segments.spaces()).map((s) => [s.model, s.dim, s.entries])).toEqual([['model-a', 2, 4], ['model-b', 3, 2]]);
    await segments.dropSpace(vectorSpace('model-a'));
    expect(await segments.loadVectors('model-a')).toBeUndefined();
    expect((await segments.loadVectors('model-b'))?.ids).toEqual(['e0', 'e1']);
  });
});

describe('keyword postings written by record()', () => {
  test('commit with their events, are tombstoned with them, and small segments get merged', async () => {
    store = await openTestStore();
    for (let i = 0; i < 40; i++) await store.record({ id: `k${i}`, kind: 'note', text: i % 2 ? 'green tea in Kyoto' : 'ramen in Tokyo' });
    const space = postingsSpace('words-v1');
    let loaded = await store.segments.load(space);
    expect(loaded?.liveCount).toBe(40);
    // Forty one-event records would be forty segments; fragmentation was compacted along the way.
    expect(loaded?.segments.length).toBeLessThanOrEqual(33);
    await store.events.delete(['k0', 'k1']);
    loaded = await store.segments.load(space);
    expect(loaded?.liveCount).toBe(38);
    const live = loaded?.segments.flatMap((s) => s.ids.filter((_, slot) => s.live[slot]));
    expect(live).not.toContain('k0');
    const first = loaded?.segments[0];
    const kyoto = first?.postings ? postingsOf(first.postings, 'kyoto') : undefined;
    expect(kyoto?.docs.length).toBeGreaterThan(0);
  });
});

describe('postings segments', () => {
  test('store term frequencies per document and survive deletes and compaction', async () => {
    store = await openTestStore({ tokenizer: null });
    await store.record(['a', 'b', 'c'].map((id): HistoryEventInput => ({ id, kind: 'note', text: id })));
    const segments = new SegmentStore(store.connection, 2);
    await segments.appendPostings('words-v1', [
      { id: 'a', terms: new Map([['ramen', 2], ['tokyo', 1]]) },
      { id: 'b', terms: new Map([['ramen', 1]]) },
      { id: 'c', terms: new Map([['pasta', 3]]) },
    ]);
    let loaded = await segments.load(postingsSpace('words-v1'));
    expect(loaded?.segments).toHaveLength(2);
    const first = loaded?.segments[0];
    const ramen = first?.postings ? postingsOf(first.postings, 'ramen') : undefined;
    expect(Array.from(ramen?.docs ?? []).map((slot) => first?.ids[slot])).toEqual(['a', 'b']);
    expect(Array.from(ramen?.freqs ?? [])).toEqual([2, 1]);
    expect(Array.from(first?.postings?.docLengths ?? [])).toEqual([3, 1]);

    await store.events.delete('a');
    await segments.compact(postingsSpace('words-v1'));
    loaded = await segments.load(postingsSpace('words-v1'));
    expect(loaded?.liveCount).toBe(2);
    const merged = loaded?.segments[0];
    expect(merged?.ids).toEqual(['b', 'c']);
    const pasta = merged?.postings ? postingsOf(merged.postings, 'pasta') : undefined;
    expect(Array.from(pasta?.freqs ?? [])).toEqual([3]);
    expect(merged?.postings ? postingsOf(merged.postings, 'tokyo').docs.length : -1).toBe(0);
  });
});
