// One model per browser, with two "tabs" (module workers: Web Locks and BroadcastChannel work there as in tabs, and
// terminating one releases its lock like closing a tab) and the real stories260K model: the second tab uses the
// first tab's model instead of loading its own, receives the answer streamed in order, can abort, gets named errors;
// when the leading tab closes, the other takes the lead, loads the model itself and still answers.
import { proxy, wrap, type Remote } from 'comlink';
import { afterEach, expect, test } from 'vitest';
import { ModelDownloadError } from '../../../src/core/errors';
import type { ModelSpec } from '../../../src/llm/model-spec';
import { installNamedErrorTransfer } from '../../../src/platform/named-error-transfer';
import { tokenRelay } from '../../../src/platform/token-relay';
import type { Tab } from './support/tab.worker';

installNamedErrorTransfer();
const REFERENCE = ', there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball.';
const STORIES: ModelSpec = { id: 'stories260K', gguf: { url: new URL('/test-models/stories260K.gguf', location.href).href }, contextSize: 512 };

const workers: Worker[] = [];
afterEach(() => {
  for (const worker of workers.splice(0)) worker.terminate();
});

async function openTab(name: string): Promise<{ tab: Remote<Tab>; close: () => void }> {
  const worker = new Worker(new URL('./support/tab.worker.ts', import.meta.url), { type: 'module' });
  workers.push(worker);
  const tab = wrap<Tab>(worker);
  await tab.start(name);
  return {
    tab,
    close: () => {
      worker.terminate();
    },
  };
}

test('the second tab uses the first tab\'s model: loaded once, answers streamed to the asking tab in order', async () => {
  const name = `llm-${crypto.randomUUID()}`;
  const first = await openTab(name);
  const second = await openTab(name);
  expect(await first.tab.isLeader()).toBe(true);
  expect(await second.tab.isLeader()).toBe(false);

  await second.tab.load(STORIES);
  await first.tab.load(STORIES);
  expect(await first.tab.localLoads()).toBe(1);
  expect(await second.tab.localLoads()).toBe(0);
  expect(await second.tab.model()).toBe('stories260K');

  // The page receives pieces through the relay every client of a worker uses (token-relay.ts).
  const pieces: string[] = [];
  const relay = tokenRelay((piece) => pieces.push(piece));
  const answer = await second.tab.complete('Once upon a time', { maxTokens: 40 }, proxy(relay.piece));
  relay.finish(answer.text);
  expect(REFERENCE.startsWith(answer.text) || answer.text.startsWith(REFERENCE)).toBe(true);
  expect(pieces.join('')).toBe(answer.text);
  expect(pieces.length).toBeGreaterThan(10);
  expect((await first.tab.complete('Once upon a time', { maxTokens: 40 })).text).toBe(answer.text);
});

test('a follower can abort its answer in the leader, and named errors cross tabs as themselves', async () => {
  const name = `llm-${crypto.randomUUID()}`;
  const first = await openTab(name);
  const second = await openTab(name);
  await first.tab.load(STORIES);
  const aborted = await second.tab.complete('Once upon a time', { maxTokens: 200 }, undefined, { pieces: 5, id: 'a' });
  expect(aborted.finishReason).toBe('abort');
  expect(aborted.text.length).toBeLessThan(REFERENCE.length);

  const missing = { id: 'missing-model', gguf: { url: new URL('/test-models/missing.gguf', location.href).href } };
  const failure = await second.tab.load(missing).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(ModelDownloadError);
  expect(failure).toMatchObject({ url: missing.gguf.url });
});

test('when the leading tab closes, the other takes the lead, loads the model itself and still answers', async () => {
  const name = `llm-${crypto.randomUUID()}`;
  const first = await openTab(name);
  const second = await openTab(name);
  await second.tab.load(STORIES);
  expect(await second.tab.localLoads()).toBe(0);

  first.close();
  await expect.poll(() => second.tab.isLeader(), { timeout: 10_000 }).toBe(true);
  const answer = await second.tab.complete('Once upon a time', { maxTokens: 40 });
  expect(REFERENCE.startsWith(answer.text) || answer.text.startsWith(REFERENCE)).toBe(true);
  expect(await second.tab.localLoads()).toBe(1);
});

test('an answer running in a tab that closes fails with a GenerationError in the asking tab, which then answers itself', async () => {
  const name = `llm-${crypto.randomUUID()}`;
  const first = await openTab(name);
  const second = await openTab(name);
  await second.tab.load(STORIES);
  let pieces = 0;
  const interrupted = second.tab
    .complete(
      'Once upon a time',
      { maxTokens: 500 },
      proxy(() => {
        if (++pieces === 5) first.close();
      }),
    )
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  const failure = await interrupted;
  expect(failure).toMatchObject({ name: 'GenerationError', reason: expect.stringContaining('closed') as unknown });
  expect((await second.tab.complete('Once upon a time', { maxTokens: 40 })).text.length).toBeGreaterThan(0);
});
