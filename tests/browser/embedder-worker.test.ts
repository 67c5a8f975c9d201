// The bundled embedder in its worker, in Chromium: loads from the app's origin with progress, embeds real
// sentences so related ones score above unrelated ones, cancels, fetches nothing from elsewhere, and survives its
// worker dying.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WorkerCrashedError } from '../../src/core/errors';
import { BUNDLED_EMBEDDER } from '../../src/embed/embedder-config';
import type { ModelLoadProgress } from '../../src/embed/transformers-embedder';
import { WorkerEmbedder } from '../../src/embed/worker-embedder';

let embedder: WorkerEmbedder;
const progress: ModelLoadProgress[] = [];

beforeAll(async () => {
  embedder = await WorkerEmbedder.start(() => new Worker(new URL('../../workers/embedder.worker.ts', import.meta.url), { type: 'module' }), BUNDLED_EMBEDDER, (p) => progress.push(p));
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

test('a worker that dies mid-request fails it with WorkerCrashedError; the next request starts a new worker (issue 9, item 10)', async () => {
  const spawned: Worker[] = [];
  const supervised = await WorkerEmbedder.start(() => {
    const worker = new Worker(new URL('../../workers/embedder.worker.ts', import.meta.url), { type: 'module' });
    spawned.push(worker);
    return worker;
  }, BUNDLED_EMBEDDER);
  try {
    const texts = ['a bowl of ramen', 'a walk by the sea'];
    const before = await supervised.embed(texts);
    let working!: () => void;
    const midway = new Promise<void>((resolve) => (working = resolve));
    const big = Array.from({ length: 4_000 }, (_, i) => `sentence number ${i} about cooking and travel`);
    const pending = supervised.embed(big, { onProgress: () => { working(); } });
    pending.catch(() => undefined);
    // It has embedded a first slice: now the worker dies behind the client's back, as an out-of-memory kill would.
    await midway;
    spawned[0]?.terminate();
    const failure = await pending.then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkerCrashedError);
    expect((failure as WorkerCrashedError).worker).toBe('embedder');
    // The next request is answered by a new worker with the same model: the same vectors as before.
    expect(await supervised.embed(texts)).toEqual(before);
    expect(spawned).toHaveLength(2);
    expect(supervised.starts).toBe(2);
  } finally {
    supervised.terminate();
  }
});
