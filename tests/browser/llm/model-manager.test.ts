// The model manager over a one-model test catalogue whose GGUF is the real stories260K, self-hosted by the test
// server: fit on this device (SwiftShader → llama.cpp), download with progress, cancel, resume, cached state and
// size, storage used, delete.
import { afterEach, beforeEach, expect, test } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors';
import { detectCapabilities } from '../../../src/llm/capabilities';
import type { CatalogueModel } from '../../../src/llm/model-catalogue';
import { ModelFileCache, type DownloadProgress } from '../../../src/llm/model-file-cache';
import { ModelManager } from '../../../src/llm/model-manager';

const SIZE = 1_185_376;
const mlc = { modelId: 'Stories-q4f32_1-MLC', lib: 'stories.wasm', vramMiB: 10, lowResource: true, bytes: 1e6 };
const STORIES: CatalogueModel = {
  id: 'stories260k',
  label: 'TinyStories 260K (test)',
  paramsB: 0.00026,
  contextSize: 512,
  licence: 'MIT',
  mlc: { f16: mlc, f32: mlc },
  gguf: { repo: 'test', file: 'stories260K.gguf', bytes: SIZE },
};

let folder: string;
let manager: ModelManager;

beforeEach(async () => {
  folder = `test-${crypto.randomUUID()}`;
  manager = await ModelManager.open({
    capabilities: await detectCapabilities(),
    catalogue: [STORIES],
    host: { kind: 'self-hosted', baseUrl: new URL('/test-models/', location.href).href },
    files: await ModelFileCache.open(folder),
  });
});

afterEach(async () => {
  await (await navigator.storage.getDirectory()).removeEntry(folder, { recursive: true });
});

test('lists each model with its fit on this device and what of it is here', async () => {
  const [entry] = await manager.entries();
  expect(entry?.choice.backend).toBe('wllama');
  expect(entry?.choice.reason).toContain('software fallback');
  expect(entry?.downloadBytes).toBe(SIZE);
  expect(entry?.gguf).toEqual({ state: 'absent', bytes: 0 });
  expect(entry?.mlcCached).toBe(false);
  expect(entry?.spec.gguf).toEqual({ url: new URL('/test-models/gguf/stories260K.gguf', location.href).href });
});

test('download with progress, cancel, resume, then storage and delete', async () => {
  const controller = new AbortController();
  const cancelled = manager.download('stories260k', {
    signal: controller.signal,
    onProgress: (p) => {
      if (p.loadedBytes > 0) controller.abort();
    },
  });
  await expect(cancelled).rejects.toMatchObject({ name: 'ModelDownloadError', reason: 'cancelled' });
  const [partial] = await manager.entries();
  expect(partial?.gguf.state).toBe('partial');

  const seen: DownloadProgress[] = [];
  const file = await manager.download('stories260k', { onProgress: (p) => seen.push(p) });
  expect(file.size).toBe(SIZE);
  expect(seen[0]?.resumedFrom).toBe(partial?.gguf.bytes);
  expect(seen.at(-1)).toMatchObject({ loadedBytes: SIZE, totalBytes: SIZE, fraction: 1 });
  expect((await manager.entries())[0]?.gguf).toEqual({ state: 'complete', bytes: SIZE });
  const storage = await manager.storage();
  expect(storage.ggufBytes).toBe(SIZE);
  expect(storage.quotaBytes).toBeGreaterThan(SIZE);

  await manager.delete('stories260k');
  expect((await manager.entries())[0]?.gguf).toEqual({ state: 'absent', bytes: 0 });
  expect((await manager.storage()).ggufBytes).toBe(0);
});

test('an id outside the catalogue is a named error', async () => {
  await expect(manager.download('no-such-model')).rejects.toBeInstanceOf(InvalidInputError);
});
