// Every committed write is announced to other connections of the same database (other tabs, workers), numbered
// so a listener can tell when it missed one; failed writes announce nothing.
import { afterEach, expect, test } from 'vitest';
import type { ChangeMessage } from '../../../src/store/change-feed';
import { PersonaStore } from '../../../src/store/persona-store';
import { uniqueName, waitFor } from '../../support/store';

const open: PersonaStore[] = [];
afterEach(() => {
  open.splice(0).forEach((s) => {
    s.close();
  });
});

async function twoConnections(): Promise<[PersonaStore, PersonaStore]> {
  const name = uniqueName('feed');
  const writer = await PersonaStore.open({ name });
  const reader = await PersonaStore.open({ name });
  open.push(writer, reader);
  return [writer, reader];
}

test('a second connection hears each committed write, with the keys it touched', async () => {
  const [writer, reader] = await twoConnections();
  const heard = waitFor<ChangeMessage>((l) => reader.subscribe(l), (m) => m.changes.some((c) => c.store === 'events'));
  const event = await writer.record({ kind: 'note', text: 'hello from another tab' });
  const message = await heard;
  expect(message.db).toBe(writer.name);
  expect(message.origin).toBe(writer.connection.origin);
  expect(message.changes).toContainEqual({ store: 'events', op: 'put', ids: [event.id] });
  // The reader's own connection sees the committed data when the message arrives.
  expect(await reader.events.get(event.id)).toEqual(event);
});

test('messages are numbered in commit order across connections', async () => {
  const [a, b] = await twoConnections();
  const seqs: number[] = [];
  const stop = a.subscribe((m) => seqs.push(m.seq));
  await a.record({ kind: 'note', text: '1' });
  await b.record({ kind: 'note', text: '2' });
  await a.memories.add({ text: 'likes tea' });
  await b.settings.set('theme', 'dark');
  await waitFor<ChangeMessage>((l) => a.subscribe(l), () => seqs.length >= 4).catch(() => undefined);
  stop();
  expect(seqs).toHaveLength(4);
  expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  expect(new Set(seqs).size).toBe(4);
});

test('a rejected write announces nothing', async () => {
  const [writer, reader] = await twoConnections();
  const messages: ChangeMessage[] = [];
  reader.subscribe((m) => messages.push(m));
  await expect(writer.record([{ kind: 'note', text: 'ok' }, { kind: 'nope' as 'note', text: 'bad' }])).rejects.toThrow(/events\[1\]\.kind/);
  await expect(writer.memories.update('missing', { text: 'x' })).rejects.toThrow(/does not exist/);
  // Then a real write, to prove the channel works and nothing came before it.
  const done = waitFor<ChangeMessage>((l) => reader.subscribe(l), () => true);
  await writer.settings.set('k', 1);
  await done;
  expect(messages).toHaveLength(1);
  expect(messages[0]?.changes).toEqual([{ store: 'settings', op: 'put', ids: ['k'] }]);
});

test('a listener that throws does not stop the others', async () => {
  const [writer] = await twoConnections();
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    writer.subscribe(() => {
      throw new Error('faulty listener');
    });
    const heard = waitFor<ChangeMessage>((l) => writer.subscribe(l), () => true);
    await writer.record({ kind: 'note', text: 'x' });
    await heard;
  } finally {
    console.error = original;
  }
  expect(errors).toHaveLength(1);
});
