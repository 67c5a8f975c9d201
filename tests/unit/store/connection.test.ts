// The single write path: all or nothing, announced only after commit, and failures turned into named errors.
import { expect, test } from 'vitest';
import { QuotaExceededStorageError, StoreClosedError } from '../../../src/core/errors';
import type { ChangeMessage } from '../../../src/store/change-feed';
import { storageError } from '../../../src/store/connection';
import { openTestStore } from '../../support/store';

test('a write that fails half-way keeps nothing and announces nothing', async () => {
  const store = await openTestStore();
  const messages: ChangeMessage[] = [];
  store.subscribe((m) => messages.push(m));
  const failure = store.connection.write(['events', 'memories'], async (tx, changes) => {
    await tx.objectStore('memories').put({ id: 'm', text: 't', sourceEventIds: [], confidence: 1, pinned: false, createdAt: 0, updatedAt: 0, history: [] });
    changes.push({ store: 'memories', op: 'put', ids: ['m'] });
    throw new Error('disk on fire');
  });
  await expect(failure).rejects.toThrow('disk on fire');
  expect(await store.memories.list()).toEqual([]);
  expect(messages).toEqual([]);
  // The connection is still usable afterwards.
  await store.memories.add({ text: 'still works' });
  expect(await store.memories.list()).toHaveLength(1);
  store.close();
});

test("the browser's quota error becomes QuotaExceededStorageError, other errors pass through", () => {
  const quota = storageError(new DOMException('full', 'QuotaExceededError'));
  expect(quota).toBeInstanceOf(QuotaExceededStorageError);
  expect((quota as Error).message).toMatch(/retention policy/);
  const other = new TypeError('x');
  expect(storageError(other)).toBe(other);
});

test('a closed store refuses reads and writes with StoreClosedError', async () => {
  const store = await openTestStore();
  store.close();
  await expect(store.record({ kind: 'note', text: 'x' })).rejects.toBeInstanceOf(StoreClosedError);
  await expect(store.events.count()).rejects.toBeInstanceOf(StoreClosedError);
});
