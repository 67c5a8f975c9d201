// The timeline's pages: read as the person scrolls, refreshed after writes, and never mixed up when reads overlap.
import { describe, expect, test } from 'vitest';
import type { HistoryEvent } from '../../../src/core/history-event';
import type { EventQuery } from '../../../src/store/events';
import { EventPager } from '../../../src/ui/history/event-pager';

function event(i: number): HistoryEvent {
  return { id: `e${String(i).padStart(3, '0')}`, ts: 1_000 + i, kind: i % 2 === 0 ? 'note' : 'view', text: `event ${i}`, source: 'app', recordedAt: 1_000 + i, embedState: 'pending', value: 2, bytes: 10 };
}

/** An in-memory history with the store's paging: newest first, `after` continues past the previous page's last. */
function history(count: number) {
  const events = Array.from({ length: count }, (_, i) => event(i)).reverse();
  const queries: EventQuery[] = [];
  const list = (query: EventQuery) => {
    queries.push(query);
    const matching = events.filter((e) => query.kind === undefined || e.kind === query.kind);
    const start = query.after ? matching.findIndex((e) => e.id === query.after?.id) + 1 : 0;
    const page = matching.slice(start, start + (query.limit ?? 100));
    const last = page.at(-1);
    const more = start + page.length < matching.length;
    return Promise.resolve({ events: page, ...(more && last ? { next: { id: last.id, ts: last.ts } } : {}) });
  };
  return { events, queries, list };
}

describe('EventPager', () => {
  test('reads one page at a time, continuing after the last loaded row, until complete', async () => {
    const { events, queries, list } = history(25);
    const pager = new EventPager(list, { kind: 'note' }, 5);
    await pager.more();
    expect(pager.rows.map((e) => e.id)).toEqual(events.filter((e) => e.kind === 'note').slice(0, 5).map((e) => e.id));
    // Overlapping requests (the virtualizer reports several ranges while scrolling) share one read.
    await Promise.all([pager.more(), pager.more()]);
    expect(pager.rows).toHaveLength(10);
    await pager.more();
    expect(pager.rows).toHaveLength(13);
    expect(pager.complete).toBe(true);
    await pager.more();
    expect(queries).toHaveLength(3);
    expect(queries.every((q) => q.kind === 'note' && q.limit === 5)).toBe(true);
    expect(new Set(pager.rows.map((e) => e.id)).size).toBe(13);
  });

  test('a refresh reads what is loaded again in one read, and a page read before it cannot land after it', async () => {
    const { queries, list } = history(40);
    const pager = new EventPager(list, {}, 10);
    await pager.more();
    await pager.more();
    const stale = pager.more();
    await pager.refresh();
    await stale;
    expect(queries.at(-1)).toEqual({ limit: 20 });
    expect(pager.rows).toHaveLength(20);
    expect(pager.complete).toBe(false);
  });

  test('deleted rows leave and newer versions replace loaded rows, without a read', async () => {
    const { queries, list } = history(10);
    const pager = new EventPager(list, {}, 10);
    await pager.more();
    const first = pager.rows[0] as HistoryEvent;
    expect(pager.remove(new Set(['e005', 'e004']))).toBe(true);
    expect(pager.remove(new Set(['nothing']))).toBe(false);
    expect(pager.rows).toHaveLength(8);
    const missing = pager.replace([{ ...first, embedState: 'done' }, event(99)]);
    expect(missing).toEqual(['e099']);
    expect(pager.rows[0]).toMatchObject({ id: first.id, embedState: 'done' });
    expect(queries).toHaveLength(1);
  });
});

describe('EventPager.misses', () => {
  test('only new events inside the loaded window and the filter call for a new read', async () => {
    const { events, list } = history(30);
    const pager = new EventPager(list, { kind: 'note' }, 5);
    await pager.more();
    const oldestLoaded = pager.rows.at(-1) as HistoryEvent;
    expect(pager.misses([{ ...(pager.rows[0] as HistoryEvent), embedState: 'done' }])).toBe(false);
    expect(pager.misses([{ ...event(500), kind: 'note' }])).toBe(true);
    expect(pager.misses([{ ...event(500), kind: 'view' }])).toBe(false);
    // Further back than anyone has scrolled: it loads when the person gets there.
    const older = events.find((e) => e.kind === 'note' && e.ts < oldestLoaded.ts) as HistoryEvent;
    expect(pager.misses([older])).toBe(false);
  });
});

test('a request for more while a refresh is under way waits for it instead of reading the first page twice', async () => {
  const { list } = history(30);
  const pager = new EventPager(list, {}, 10);
  const refreshing = pager.refresh();
  const more = pager.more();
  await Promise.all([refreshing, more]);
  expect(pager.rows.map((e) => e.id)).toEqual([...new Set(pager.rows.map((e) => e.id))]);
  expect(pager.rows).toHaveLength(10);
  await pager.more();
  expect(pager.rows).toHaveLength(20);
});
