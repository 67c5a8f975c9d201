// Choosing the embedder: bundled by default; an opt-in model that cannot be loaded falls back to the bundled one
// with the reason; a switch re-embeds the history resumably and drops the old vectors only once it is complete.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { HistoryEventInput } from '../../../src/core/history-event';
import type { Embedder } from '../../../src/embed/embedder';
import { BUNDLED_EMBEDDER, type EmbedderConfig } from '../../../src/embed/embedder-config';
import { TransformersEmbedder } from '../../../src/embed/transformers-embedder';
import { chooseEmbedder, selectEmbedder } from '../../../src/engine/embedder-selection';
import { EmbeddingIndexer } from '../../../src/engine/embedding-indexer';
import { PersonaStore } from '../../../src/store/persona-store';
import { vectorSpace } from '../../../src/store/segments';
import { HashingEmbedder } from '../../support/hashing-embedder';
import { uniqueName } from '../../support/store';

const bundled: EmbedderConfig = { ...BUNDLED_EMBEDDER, localModelPath: fileURLToPath(new URL('../../../public/models/', import.meta.url)) };
const loaded: TransformersEmbedder[] = [];
const load = async (config: EmbedderConfig): Promise<Embedder> => {
  const embedder = await TransformersEmbedder.load(config);
  loaded.push(embedder);
  return embedder;
};

// A self-hosted model server on loopback that does not have the requested model.
let server: Server;
let host: string;
const requested: string[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    requested.push(request.url ?? '');
    response.statusCode = 404;
    response.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await Promise.all(loaded.map((e) => e.dispose()));
  await new Promise((resolve) => server.close(resolve));
});

test('the bundled offline model is the default', async () => {
  const store = await PersonaStore.open({ name: uniqueName('select') });
  const { embedder, status } = await selectEmbedder(store.settings, load, bundled);
  expect(status).toEqual({ active: 'persona-glove-100d:q8', bundled: true });
  expect(embedder.dim).toBe(100);
  store.close();
});

test('a stored choice this build cannot read leaves the bundled model running and says why', async () => {
  const store = await PersonaStore.open({ name: uniqueName('select') });
  await store.settings.set('embedder', { model: 42, dtype: 'q8' });
  const { embedder, status } = await selectEmbedder(store.settings, load, bundled);
  expect(embedder.model).toBe('persona-glove-100d:q8');
  expect(status).toMatchObject({ bundled: true, fallbackReason: expect.stringMatching(/stored search-model choice is not valid/) as unknown });
  store.close();
});

test('an opt-in model that cannot be loaded falls back to the bundled one and says why', async () => {
  const store = await PersonaStore.open({ name: uniqueName('select') });
  await chooseEmbedder(store.settings, { model: 'acme/minilm-l6', remoteHost: host, dtype: 'q8' });
  const { embedder, status } = await selectEmbedder(store.settings, load, bundled);
  expect(embedder.model).toBe('persona-glove-100d:q8');
  expect(status.bundled).toBe(true);
  expect(status.requested).toBe('acme/minilm-l6:q8');
  expect(status.fallbackReason).toMatch(/acme\/minilm-l6 could not be loaded from http:\/\/127\.0\.0\.1/);
  // It really asked the configured host, and only it.
  expect(requested.some((url) => url.includes('acme/minilm-l6'))).toBe(true);
  for (const bad of [
    { model: 'x', remoteHost: 'ftp://nope', dtype: 'q8' as const },
    { model: 'x', remoteHost: 'http://models.example.org/', dtype: 'q8' as const },
    { model: '../secrets', dtype: 'q8' as const },
    { model: 'owner/..', dtype: 'q8' as const },
  ]) {
    await expect(chooseEmbedder(store.settings, bad)).rejects.toMatchObject({ name: 'InvalidInputError' });
  }
  await chooseEmbedder(store.settings, { model: 'Xenova/all-MiniLM-L6-v2', remoteHost: 'https://models.example.org/', dtype: 'q8' });
  store.close();
});

test('a model switch re-embeds everything, resumably, and drops the old vectors only when done', async () => {
  const name = uniqueName('switch');
  let store = await PersonaStore.open({ name });
  await store.record(Array.from({ length: 30 }, (_, i): HistoryEventInput => ({ id: `s${i}`, kind: 'note', text: `note ${i} about tea` })));
  const oldModel = new HashingEmbedder(16);
  await new EmbeddingIndexer(store, oldModel).drain();
  const newModel = new HashingEmbedder(24);
  let indexer = new EmbeddingIndexer(store, newModel, { batchSize: 8 });
  expect(await indexer.queue.switchTo(newModel.model, newModel.dim)).toBe(30);
  const controller = new AbortController();
  await new EmbeddingIndexer(store, newModel, { batchSize: 8, onProgress: () => { controller.abort(); } }).drain(controller.signal);
  // Half-way: the old vectors still serve retrieval.
  expect((await store.segments.loadVectors(oldModel.model))?.ids).toHaveLength(30);
  store.close();

  store = await PersonaStore.open({ name });
  indexer = new EmbeddingIndexer(store, newModel, { batchSize: 8 });
  expect(await indexer.queue.switchTo(newModel.model, newModel.dim)).toBe(0);
  expect(await indexer.queue.pending()).toBe(22);
  await indexer.drain();
  expect((await store.segments.loadVectors(newModel.model))?.ids).toHaveLength(30);
  expect(await store.segments.spaceNames()).not.toContain(vectorSpace(oldModel.model));
  store.close();
});
