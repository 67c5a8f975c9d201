// The bundled GloVe embedder in real Chromium: transformers.js loads it from the app's own origin, with
// onnxruntime-web's WASM served by the app too (its default is a CDN), and gives the vectors Node gives.
import { env, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import ortMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import golden from '../unit/embed/glove-vectors.golden.json';

let embed: FeatureExtractionPipeline | undefined;

beforeAll(async () => {
  // In a browser transformers.js reads local models only when told to.
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  // Vite serves public/ at the root, as the built app does.
  env.localModelPath = '/models/';
  // Leave no copy in the Cache API between runs: each run loads what is on disk now.
  env.useBrowserCache = false;
  const wasm = env.backends.onnx.wasm;
  if (!wasm) throw new Error('onnxruntime-web has no wasm backend');
  wasm.wasmPaths = { wasm: ortWasm, mjs: ortMjs };
  embed = await pipeline('feature-extraction', 'persona-glove-100d', { dtype: 'q8', device: 'wasm' });
});

afterAll(async () => {
  await embed?.dispose();
});

test('gives the same unit vectors as transformers.js in Node', async () => {
  if (!embed) throw new Error('model not loaded');
  const sentences = golden.vectors.map((g) => g.sentence);
  const output = await embed(sentences, { pooling: 'mean', normalize: true });
  expect(output.dims).toEqual([sentences.length, 100]);
  const vectors = output.tolist() as number[][];
  golden.vectors.forEach(({ vector }, i) => {
    const got = vectors[i] ?? [];
    expect(got).toHaveLength(vector.length);
    // The golden file is rounded to 1e-6; WASM and native ORT agree far closer than the 1e-5 asked here.
    vector.forEach((x, k) => {
      expect(Math.abs((got[k] ?? Number.NaN) - x)).toBeLessThan(1e-5);
    });
  });
});

test('fetched nothing from outside the page origin', () => {
  const resources = performance.getEntriesByType('resource').map((entry) => entry.name);
  expect(resources.some((url) => url.includes('/models/persona-glove-100d/'))).toBe(true);
  expect(resources.filter((url) => new URL(url).origin !== location.origin)).toEqual([]);
});
