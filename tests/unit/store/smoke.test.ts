import { expect, test } from 'vitest';
import { PersonaStore } from '../../../src/store/persona-store';

test('records and reads back', async () => {
  const store = await PersonaStore.open({ name: `smoke-${crypto.randomUUID()}` });
  const event = await store.record({ kind: 'note', text: 'hello' });
  expect(await store.events.get(event.id)).toEqual(event);
  expect(await store.events.count()).toBe(1);
  store.close();
});
