// web-llm up to the boundary this machine allows: no MLC weights can be had here and SwiftShader has no
// shader-f16, so nothing here generates with web-llm. What these tests prove with the real library and its real
// worker handler: a self-hosted model URL that fails (a 404, or the HTML page a single-page app sends with status
// 200) becomes a named error (not web-llm's plain string), leaves nothing in web-llm's cache, and can be retried
// with the same clean error; specs without an MLC build and calls before a load are refused by name.
import { hasModelInCache } from '@mlc-ai/web-llm';
import { expect, test } from 'vitest';
import { ModelDownloadError, ModelNotLoadedError, ModelUnsupportedError } from '../../../src/core/errors';
import type { ModelSpec } from '../../../src/llm/model-spec';
import { appConfigFor, WebLlmBackend } from '../../../src/llm/web-llm-backend';

const startWorker = () => new Worker(new URL('../../../workers/web-llm.worker.ts', import.meta.url), { type: 'module' });

function selfHosted(base: string, modelId: string): ModelSpec {
  return {
    id: 'self-hosted-test',
    contextSize: 1024,
    mlc: { modelId, modelUrl: new URL(`${base}${modelId}/resolve/main/`, location.href).href, modelLibUrl: new URL(`${base}libs/${modelId}.wasm`, location.href).href, vramMiB: 500 },
  };
}

/** Every entry of every Cache API cache whose URL mentions `modelId`: what web-llm would read on the next load. */
async function cachedEntries(modelId: string): Promise<string[]> {
  const urls: string[] = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) if (request.url.includes(modelId)) urls.push(request.url);
  }
  return urls;
}

async function loadFailure(backend: WebLlmBackend, spec: ModelSpec): Promise<unknown> {
  return backend.load(spec).then(
    () => 'loaded',
    (error: unknown) => error,
  );
}

test('web-llm boundary: a self-hosted model URL that 404s fails in the real worker handler with a named ModelDownloadError, caches nothing, and retries cleanly', async () => {
  const spec = selfHosted('/test-models/mlc/', 'Missing-Model-q4f32_1-MLC');
  const backend = new WebLlmBackend(startWorker);
  const first = await loadFailure(backend, spec);
  expect(typeof first).not.toBe('string');
  expect(first).toBeInstanceOf(ModelDownloadError);
  expect(first).toMatchObject({ url: spec.mlc?.modelUrl });
  expect(backend.model).toBeUndefined();
  expect(await cachedEntries('Missing-Model')).toEqual([]);
  expect(await hasModelInCache('Missing-Model-q4f32_1-MLC', appConfigFor(spec.mlc as NonNullable<ModelSpec['mlc']>, 1024, 'cache'))).toBe(false);

  const retry = await loadFailure(backend, spec);
  expect(retry).toBeInstanceOf(ModelDownloadError);
  expect((retry as Error).message).toBe((first as Error).message);
});

test('web-llm boundary: an HTML page answered with status 200 (a single-page-app fallback) is a named error and is not left in the cache to poison the next load', async () => {
  const spec = selfHosted('/test-spa-fallback/', 'Html-Model-q4f32_1-MLC');
  const backend = new WebLlmBackend(startWorker);
  const first = await loadFailure(backend, spec);
  expect(first).toBeInstanceOf(ModelDownloadError);
  expect(await cachedEntries('Html-Model')).toEqual([]);

  // The retry fails the same clean way, reading the server again rather than a cached error page.
  const retry = await loadFailure(backend, spec);
  expect(retry).toBeInstanceOf(ModelDownloadError);
  expect((retry as Error).message).toBe((first as Error).message);
  expect(await cachedEntries('Html-Model')).toEqual([]);
});

test('web-llm boundary: a spec without an MLC build is refused before any worker starts, and calls before a load are refused by name', async () => {
  let started = 0;
  const backend = new WebLlmBackend(() => {
    started++;
    return startWorker();
  });
  await expect(backend.load({ id: 'gguf-only', gguf: { url: '/test-models/stories260K.gguf' } })).rejects.toBeInstanceOf(ModelUnsupportedError);
  expect(started).toBe(0);
  await expect(backend.chat([{ role: 'user', content: 'hi' }])).rejects.toBeInstanceOf(ModelNotLoadedError);
  await expect(backend.countTokens('hi')).rejects.toBeInstanceOf(ModelNotLoadedError);
});
