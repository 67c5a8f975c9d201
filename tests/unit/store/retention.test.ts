// The retention policy is off by default; when set, it removes the oldest low-value events first and spares the
// events pinned memories rest on.
import { afterEach, expect, test } from 'vitest';
import type { HistoryEventInput } from '../../../src/core/history-event';
import type { PersonaStore } from '../../../src/store/persona-store';
import { openTestStore } from '../../support/store';

let store: PersonaStore;
afterEach(() => {
  store.close();
});

const T0 = Date.UTC(2026, 0, 1);

async function seed(): Promise<void> {
  store = await openTestStore();
  const kinds = ['view', 'note', 'click', 'rating', 'view', 'message', 'search', 'rating'] as const;
  await store.record(kinds.map((kind, i): HistoryEventInput => ({ id: `r${i}`, kind, text: `${kind} ${i}`, ts: T0 + i })));
}

test('is off by default: nothing is ever removed', async () => {
  await seed();
  expect(await store.retention.get()).toBeUndefined();
  expect((await store.retention.apply()).deleted).toEqual([]);
  expect(await store.events.count()).toBe(8);
});

test('a count limit removes views, clicks and searches first, oldest first, then ratings', async () => {
  await seed();
  const { deleted } = await store.retention.set({ maxEvents: 3 });
  expect(deleted).toEqual(['r0', 'r2', 'r4', 'r6', 'r3']);
  expect((await store.events.list({ order: 'asc' })).events.map((e) => e.id)).toEqual(['r1', 'r5', 'r7']);
});

test('applies after each record, and spares events a pinned memory rests on', async () => {
  await seed();
  const memory = await store.memories.add({ text: 'watches a lot', sourceEventIds: ['r0'] });
  await store.memories.pin(memory.id);
  await store.retention.set({ maxEvents: 8 });
  await store.record({ id: 'new', kind: 'view', text: 'one more' });
  expect(await store.events.count()).toBe(8);
  expect(await store.events.get('r0')).toBeDefined();
  expect(await store.events.get('r2')).toBeUndefined();
});

test('a byte limit frees space, and the policy can be turned off again', async () => {
  await seed();
  const total = await store.events.bytes();
  const { deleted } = await store.retention.set({ maxBytes: Math.max(1024, total - 1) });
  expect(deleted.length).toBeGreaterThan(0);
  expect(await store.events.bytes()).toBeLessThanOrEqual(Math.max(1024, total - 1));
  await store.retention.set(undefined);
  expect(await store.retention.get()).toBeUndefined();
  await expect(store.retention.set({ maxEvents: 0 })).rejects.toMatchObject({ name: 'InvalidInputError', field: 'retention.maxEvents' });
});

test('a policy that deletes more than one step holds runs in several whole transactions, and reports them as one', async () => {
  store = await openTestStore();
  await store.record(Array.from({ length: 700 }, (_, i): HistoryEventInput => ({ id: `e${String(i).padStart(3, '0')}`, kind: 'view', text: `view ${i}`, ts: T0 + i })));
  const memory = await store.memories.add({ text: 'saw the first and the last', sourceEventIds: ['e000', 'e699'] });
  const transactions: number[] = [];
  const stop = store.subscribe((message) => {
    if (message.changes.some((change) => change.store === 'events' && change.op === 'delete')) transactions.push(message.seq);
  });
  const removed = await store.retention.set({ maxEvents: 100 });
  stop();
  // 600 events at 250 a transaction: three steps, oldest first.
  expect(transactions).toHaveLength(3);
  expect(removed.deleted).toEqual(Array.from({ length: 600 }, (_, i) => `e${String(i).padStart(3, '0')}`));
  expect(removed.memoriesUnlinked).toEqual([memory.id]);
  expect(removed.memoriesDeleted).toEqual([]);
  expect(await store.events.count()).toBe(100);
});
