// The Embedder adapter on transformers.js in Node, on the bundled model: batching, progress, ids, cancellation.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BUNDLED_EMBEDDER } from '../../../src/embed/embedder-config';
import { EmbedderLoadError, TransformersEmbedder } from '../../../src/embed/transformers-embedder';

const MODELS = fileURLToPath(new URL('../../../public/models/', import.meta.url));
let embedder: TransformersEmbedder;

beforeAll(async () => {
  embedder = await TransformersEmbedder.load({ ...BUNDLED_EMBEDDER, localModelPath: MODELS, batchSize: 4 });
});
afterAll(async () => {
  await embedder.dispose();
});

test('embeds across several batches into one array, in order, with progress', async () => {
  const texts = Array.from({ length: 10 }, (_, i) => (i % 2 ? 'fresh pasta with basil' : 'stock prices fell sharply'));
  const done: number[] = [];
  const vectors = await embedder.embed(texts, { onProgress: (p) => done.push(p.done) });
  expect(done).toEqual([4, 8, 10]);
  expect(vectors).toHaveLength(10 * embedder.dim);
  // Same text, same vector, wherever it sits in the batches.
  expect(Array.from(vectors.subarray(1 * 100, 2 * 100))).toEqual(Array.from(vectors.subarray(9 * 100, 10 * 100)));
  expect(embedder.model).toBe('persona-glove-100d:q8');
});

test('stops between batches when aborted', async () => {
  const controller = new AbortController();
  const texts = Array.from({ length: 40 }, () => 'a sentence');
  const call = embedder.embed(texts, { signal: controller.signal, onProgress: () => { controller.abort(); } });
  await expect(call).rejects.toMatchObject({ name: 'AbortError' });
});

test('a model that is not there fails with a named error', async () => {
  await expect(TransformersEmbedder.load({ ...BUNDLED_EMBEDDER, model: 'no-such-model', localModelPath: MODELS })).rejects.toBeInstanceOf(EmbedderLoadError);
});
