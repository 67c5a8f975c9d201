// A store at the scale the issue asks for: 100k events with their 100k vectors, closed and reopened, comes back
// whole with its vector segments loaded (a hundred-odd records, not a hundred thousand).
import { expect, test } from 'vitest';
import type { HistoryEventInput } from '../../../src/core/history-event';
import { PersonaStore } from '../../../src/store/persona-store';
import { DEFAULT_SEGMENT_SIZE, postingsSpace, vectorSpace } from '../../../src/store/segments';
import { uniqueName } from '../../support/store';

const EVENTS = 100_000;
const DIM = 100;
const BATCH = 10_000;
const KINDS = ['message', 'view', 'click', 'rating', 'note'] as const;

/** A value derived from (event, dimension), so any misplaced float is caught on reload. */
function expected(i: number, d: number): number {
  return Math.fround(Math.sin(i * 0.001 + d));
}

test(`a ${EVENTS.toLocaleString('en')}-event store reopens with its vector segments loaded`, { timeout: 600_000 }, async () => {
  const name = uniqueName('scale');
  const t0 = Date.UTC(2024, 0, 1);
  let store = await PersonaStore.open({ name });
  for (let start = 0; start < EVENTS; start += BATCH) {
    const batch = Array.from({ length: BATCH }, (_, k): HistoryEventInput => {
      const i = start + k;
      return { id: `ev${i}`, ts: t0 + i * 60_000, kind: KINDS[i % KINDS.length] ?? 'note', text: `event number ${i} about topic ${i % 97}` };
    });
    await store.record(batch);
    const vectors = new Float32Array(BATCH * DIM);
    for (let k = 0; k < BATCH; k++) for (let d = 0; d < DIM; d++) vectors[k * DIM + d] = expected(start + k, d);
    await store.segments.appendVectors('glove-100d', DIM, batch.map((e) => e.id as string), vectors);
  }
  store.close();

  store = await PersonaStore.open({ name });
  try {
    expect(await store.events.count()).toBe(EVENTS);
    const spaces = (await store.segments.spaces()).filter((s) => s.kind === 'vectors');
    expect(spaces).toEqual([
      { space: vectorSpace('glove-100d'), kind: 'vectors', model: 'glove-100d', dim: DIM, segments: EVENTS / BATCH * Math.ceil(BATCH / DEFAULT_SEGMENT_SIZE), entries: EVENTS, tombstones: 0 },
    ]);
    const loaded = await store.segments.loadVectors('glove-100d');
    expect(loaded?.ids).toHaveLength(EVENTS);
    expect(loaded?.vectors).toHaveLength(EVENTS * DIM);
    for (const i of [0, 1, 4_999, 50_000, 77_777, EVENTS - 1]) {
      expect(loaded?.ids[i]).toBe(`ev${i}`);
      expect(loaded?.vectors[i * DIM + 7]).toBe(expected(i, 7));
    }
    // Keyword postings were written with the events, in a few segments per batch.
    const postings = await store.segments.load(postingsSpace('words-v1'));
    expect(postings?.liveCount).toBe(EVENTS);
    expect(postings?.segments.length).toBe(spaces[0]?.segments);
    const newest = await store.events.list({ limit: 3 });
    expect(newest.events.map((e) => e.id)).toEqual([`ev${EVENTS - 1}`, `ev${EVENTS - 2}`, `ev${EVENTS - 3}`]);
    expect((await store.events.get('ev12345'))?.embedState).toBe('done');
  } finally {
    store.close();
  }
});
