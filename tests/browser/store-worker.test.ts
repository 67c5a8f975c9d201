// The store across a real worker boundary: a worker holds its own connection to the same database, calls cross
// comlink, and each side hears the other's committed writes through the change feed.
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import { afterEach, expect, test } from 'vitest';
import type { ChangeMessage } from '../../src/store/change-feed';
import { PersonaStore } from '../../src/store/persona-store';
import type { StoreHost } from '../../src/store/store-host';
import { uniqueName, waitFor } from '../support/store';

const cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => {
    cleanup();
  });
});

async function startWorker(name: string): Promise<Remote<StoreHost>> {
  const worker = new Worker(new URL('../../workers/store.worker.ts', import.meta.url), { type: 'module' });
  const host = wrap<StoreHost>(worker);
  cleanups.push(() => {
    host[releaseProxy]();
    worker.terminate();
  });
  await host.open({ name });
  return host;
}

test('a worker records through comlink and the page hears it on the change feed', async () => {
  const name = uniqueName('worker');
  const page = await PersonaStore.open({ name });
  cleanups.push(() => {
    page.close();
  });
  const host = await startWorker(name);
  const heard = waitFor<ChangeMessage>((l) => page.subscribe(l), (m) => m.changes.some((c) => c.store === 'events'));
  const [event] = await host.record([{ kind: 'message', text: 'written in a worker', role: 'user' }]);
  const message = await heard;
  expect(message.changes[0]?.ids).toEqual([event?.id]);
  expect(await page.events.get(event?.id ?? '')).toEqual(event);
});

test('the page records and the worker hears it, then reads it through its own connection', async () => {
  const name = uniqueName('worker');
  const page = await PersonaStore.open({ name });
  cleanups.push(() => {
    page.close();
  });
  const host = await startWorker(name);
  const messages: ChangeMessage[] = [];
  const arrived = new Promise<void>((resolve) => {
    void host.subscribe(
      proxy((message: ChangeMessage) => {
        messages.push(message);
        resolve();
      }),
    );
  });
  await page.record([{ kind: 'note', text: 'a', ts: 1_000 }, { kind: 'note', text: 'b', ts: 2_000 }]);
  await arrived;
  expect(messages[0]?.origin).toBe(page.connection.origin);
  expect(await host.count()).toBe(2);
  expect((await host.list({ order: 'asc' })).events.map((e) => e.text)).toEqual(['a', 'b']);
});

test('validation errors cross the boundary as named errors', async () => {
  const host = await startWorker(uniqueName('worker'));
  const error = await host.record([{ kind: 'note', text: 'x'.repeat(40_000) }]).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toMatch(/events\[0\]\.text/);
  expect(await host.count()).toBe(0);
});
