// Recording and reading the history; runs on fake-indexeddb in Node and on real IndexedDB in Chromium.
import { afterEach, describe, expect, test } from 'vitest';
import { InvalidEventError, InvalidInputError } from '../../../src/core/errors';
import type { HistoryEventInput } from '../../../src/core/history-event';
import type { PersonaStore } from '../../../src/store/persona-store';
import { manualClock, openTestStore } from '../../support/store';

let store: PersonaStore;
afterEach(() => {
  store.close();
});

describe('record', () => {
  test('stores one event with defaults and returns it as stored', async () => {
    const clock = manualClock();
    store = await openTestStore({ clock: clock.now });
    const event = await store.record({ kind: 'note', text: 'I cook vegetarian food' });
    expect(event).toMatchObject({ kind: 'note', text: 'I cook vegetarian food', source: 'app', ts: clock.now(), embedState: 'pending', value: 2 });
    expect(event.id).toMatch(/.+/);
    expect(event.bytes).toBeGreaterThan(0);
    expect(await store.events.get(event.id)).toEqual(event);
    expect(await store.events.count()).toBe(1);
  });

  test('stores a batch in one go and keeps every optional field', async () => {
    store = await openTestStore();
    const inputs: HistoryEventInput[] = [
      { kind: 'rating', text: 'Arrival', itemId: 'movie-1', rating: 4.5, ts: new Date('2025-05-01T10:00:00Z'), source: 'host:films' },
      { kind: 'view', text: 'Ramen guide', url: 'https://example.org/ramen', metadata: { tags: ['food', 'japan'], minutes: 4 }, sessionId: 's1' },
      { kind: 'message', text: 'hello', role: 'user' },
    ];
    const stored = await store.record(inputs);
    expect(stored).toHaveLength(3);
    expect(stored[0]).toMatchObject({ itemId: 'movie-1', rating: 4.5, ts: Date.parse('2025-05-01T10:00:00Z'), source: 'host:films' });
    expect(stored[1]).toMatchObject({ url: 'https://example.org/ramen', metadata: { tags: ['food', 'japan'], minutes: 4 }, sessionId: 's1' });
    expect(stored[2]?.role).toBe('user');
    for (const event of stored) expect(await store.events.get(event.id)).toEqual(event);
    expect(await store.events.count()).toBe(3);
  });

  test('is idempotent by id: a replayed batch records nothing twice', async () => {
    store = await openTestStore();
    const batch: HistoryEventInput[] = [
      { id: 'a', kind: 'click', text: 'first' },
      { id: 'b', kind: 'click', text: 'second' },
    ];
    const first = await store.record(batch);
    const again = await store.record([...batch, { id: 'c', kind: 'click', text: 'third' }]);
    expect(again.slice(0, 2)).toEqual(first);
    expect(await store.events.count()).toBe(3);
  });

  test('rejects a whole batch when one event is invalid, naming the field', async () => {
    store = await openTestStore();
    await store.record({ kind: 'note', text: 'kept' });
    const batch = [
      { kind: 'note', text: 'fine' },
      { kind: 'note', text: 'fine too' },
      { kind: 'note', text: 'x'.repeat(32_001) },
    ] as HistoryEventInput[];
    const error = await store.record(batch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).field).toBe('events[2].text');
    expect((error as InvalidEventError).reason).toMatch(/32000/);
    expect(await store.events.count()).toBe(1);
    expect((await store.events.list()).events.map((e) => e.text)).toEqual(['kept']);
  });

  test('rejects a batch that repeats an id', async () => {
    store = await openTestStore();
    const error = await store.record([{ id: 'x', kind: 'note', text: '1' }, { id: 'x', kind: 'note', text: '2' }]).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidEventError', field: 'events[1].id' });
    expect(await store.events.count()).toBe(0);
  });
});

describe('list', () => {
  async function seed(): Promise<void> {
    store = await openTestStore();
    const base = Date.UTC(2026, 0, 1);
    await store.record(
      Array.from({ length: 30 }, (_, i): HistoryEventInput => ({
        id: `e${String(i).padStart(2, '0')}`,
        kind: i % 3 === 0 ? 'rating' : 'view',
        source: i % 2 === 0 ? 'even' : 'odd',
        text: `event ${i}`,
        // Pairs share a timestamp so paging must break ties by id.
        ts: base + Math.floor(i / 2) * 1000,
      })),
    );
  }

  test('pages newest first without gaps or repeats, ties included', async () => {
    await seed();
    const seen: string[] = [];
    let page = await store.events.list({ limit: 7 });
    seen.push(...page.events.map((e) => e.id));
    while (page.next) {
      page = await store.events.list({ limit: 7, after: page.next });
      seen.push(...page.events.map((e) => e.id));
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    const times = await Promise.all(seen.map(async (id) => (await store.events.get(id))?.ts ?? 0));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  test('filters by kind, by source and by time window, oldest first on request', async () => {
    await seed();
    const ratings = await store.events.list({ kind: 'rating', order: 'asc', limit: 100 });
    expect(ratings.events.map((e) => e.id)).toEqual(['e00', 'e03', 'e06', 'e09', 'e12', 'e15', 'e18', 'e21', 'e24', 'e27']);
    const evenRatings = await store.events.list({ kind: 'rating', source: 'even', limit: 100 });
    expect(evenRatings.events.every((e) => e.kind === 'rating' && e.source === 'even')).toBe(true);
    expect(evenRatings.events).toHaveLength(5);
    const odd = await store.events.list({ source: 'odd', limit: 100 });
    expect(odd.events).toHaveLength(15);
    const base = Date.UTC(2026, 0, 1);
    const window = await store.events.list({ from: base + 2000, to: base + 4000, order: 'asc' });
    expect(window.events.map((e) => e.id)).toEqual(['e04', 'e05', 'e06', 'e07', 'e08', 'e09']);
    const kindPages = await store.events.list({ kind: 'view', limit: 4 });
    const rest = await store.events.list({ kind: 'view', limit: 100, ...(kindPages.next ? { after: kindPages.next } : {}) });
    expect(kindPages.events.length + rest.events.length).toBe(20);
  });

  test('rejects a page size out of bounds', async () => {
    store = await openTestStore();
    await expect(store.events.list({ limit: 0 })).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('delete', () => {
  test('forgetting is real: a memory whose every source is deleted goes too (unless pinned), and the summary turns stale', async () => {
    store = await openTestStore();
    await store.record([
      { id: 'a', kind: 'note', text: 'moved to Lyon' },
      { id: 'b', kind: 'note', text: 'likes cheese' },
      { id: 'c', kind: 'note', text: 'plays chess' },
    ]);
    const derived = await store.memories.add({ text: 'Lives in Lyon', sourceEventIds: ['a'] });
    const pinned = await store.memories.add({ text: 'Likes cheese', sourceEventIds: ['b'], pinned: true });
    const mine = await store.memories.add({ text: 'Has no sources at all' });
    await store.profile.setSummary({ text: 'Lives in Lyon, plays chess.', sourceEventIds: ['a', 'c'], by: 'model' });

    const result = await store.events.delete(['a', 'b']);
    expect(result.memoriesDeleted).toEqual([derived.id]);
    expect(result.memoriesUnlinked).toEqual([pinned.id]);
    expect(result.summaryStale).toBe(true);
    expect(await store.memories.get(derived.id)).toBeUndefined();
    expect((await store.memories.get(pinned.id))?.sourceEventIds).toEqual([]);
    expect(await store.memories.get(mine.id)).toBeDefined();
    const summary = (await store.profile.get()).summary;
    expect(summary?.sourceEventIds).toEqual(['c']);
    expect(summary?.staleSince).toBeGreaterThan(0);

    // A summary written again (without the deleted events) is no longer stale.
    await store.profile.setSummary({ text: 'Plays chess.', sourceEventIds: ['c'], by: 'model' });
    expect((await store.profile.get()).summary?.staleSince).toBeUndefined();
  });

  test('deletes by id and by range, cascading to memories and keeping the count right', async () => {
    store = await openTestStore();
    const base = Date.UTC(2026, 0, 1);
    const events = await store.record(Array.from({ length: 10 }, (_, i): HistoryEventInput => ({ id: `d${i}`, kind: 'note', text: `n${i}`, ts: base + i })));
    const memory = await store.memories.add({ text: 'likes notes', sourceEventIds: ['d1', 'd2'] });
    const bytesBefore = await store.events.bytes();

    const byId = await store.events.delete(['d1', 'missing']);
    expect(byId.deleted).toEqual(['d1']);
    expect(byId.memoriesUnlinked).toEqual([memory.id]);
    expect((await store.memories.get(memory.id))?.sourceEventIds).toEqual(['d2']);
    expect((await store.memories.history(memory.id)).at(-1)?.reason).toBe('source deleted');

    const byRange = await store.events.deleteRange({ from: base + 5, to: base + 7 });
    expect(byRange.deleted.sort()).toEqual(['d5', 'd6', 'd7']);
    expect(await store.events.count()).toBe(6);
    const removedBytes = [events[1], events[5], events[6], events[7]].reduce((sum, e) => sum + (e?.bytes ?? 0), 0);
    expect(await store.events.bytes()).toBe(bytesBefore - removedBytes);
  });
});

describe('sources', () => {
  test('lists each source still in the history once, sorted, and forgets one whose events are all gone', async () => {
    store = await openTestStore();
    expect(await store.events.sources()).toEqual([]);
    const [, ad] = await store.record([
      { kind: 'note', text: 'from the app' },
      { kind: 'click', text: 'an ad', source: 'widget:ads' },
      { kind: 'view', text: 'news one', source: 'widget:news', ts: 1_000 },
      { kind: 'view', text: 'news two', source: 'widget:news', ts: 2_000 },
      { kind: 'note', text: 'another', source: 'app' },
    ]);
    expect(await store.events.sources()).toEqual(['app', 'widget:ads', 'widget:news']);
    await store.events.delete(ad?.id ?? '');
    expect(await store.events.sources()).toEqual(['app', 'widget:news']);
  });
});
