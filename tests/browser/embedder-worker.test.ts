// The bundled embedder in its worker, in Chromium: loads from the app's origin with progress, embeds real
// sentences so related ones score above unrelated ones, cancels, and fetches nothing from elsewhere.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BUNDLED_EMBEDDER } from '../../src/embed/embedder-config';
import type { ModelLoadProgress } from '../../src/embed/transformers-embedder';
import { WorkerEmbedder } from '../../src/embed/worker-embedder';

let embedder: WorkerEmbedder;
const progress: ModelLoadProgress[] = [];

beforeAll(async () => {
  const worker = new Worker(new URL('../../workers/embedder.worker.ts', import.meta.url), { type: 'module' });
  embedder = await WorkerEmbedder.start(worker, BUNDLED_EMBEDDER, (p) => progress.push(p));
});

afterAll(() => {
  embedder.terminate();
});

function cosine(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
}

test('loads the bundled model with progress and records its id and dimension', () => {
  expect(embedder.model).toBe('persona-glove-100d:q8');
  expect(embedder.dim).toBe(100);
  expect(progress.some((p) => p.file.endsWith('.onnx') && p.loaded > 0)).toBe(true);
});

test('embeds real sentences: related above unrelated, unit length', async () => {
  const sentences = [
    'I love cooking pasta with fresh tomatoes',
    'my favourite dinner is Italian spaghetti',
    'the central bank raised interest rates again',
    'We hiked up the mountain trail at sunrise',
  ];
  const seen: number[] = [];
  const vectors = await embedder.embed(sentences, { onProgress: (p) => seen.push(p.done) });
  expect(vectors).toHaveLength(4 * 100);
  const at = (i: number) => vectors.subarray(i * 100, (i + 1) * 100);
  for (let i = 0; i < 4; i++) expect(cosine(at(i), at(i))).toBeCloseTo(1, 4);
  expect(cosine(at(0), at(1))).toBeGreaterThan(cosine(at(0), at(2)) + 0.1);
  expect(cosine(at(0), at(1))).toBeGreaterThan(cosine(at(0), at(3)));
  expect(seen.at(-1)).toBe(4);
});

test('a cancelled call rejects with the abort reason and the embedder stays usable', async () => {
  const controller = new AbortController();
  const texts = Array.from({ length: 4_000 }, (_, i) => `sentence number ${i} about the weather`);
  const call = embedder.embed(texts, { signal: controller.signal, onProgress: () => { controller.abort(new DOMException('stop', 'AbortError')); } });
  await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  expect(await embedder.embed(['still works'])).toHaveLength(100);
});

test('the worker fetched nothing from outside the app origin', async () => {
  // The model files may come from transformers.js' Cache API copy when another test loaded them first, so only the
  // origin of what was fetched is checked, not that the model was fetched.
  const urls = await embedder.fetchedUrls();
  expect(urls.filter((url) => new URL(url).origin !== location.origin)).toEqual([]);
});
