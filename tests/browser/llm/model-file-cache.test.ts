// Model downloads into OPFS against the test server playing a bad network (tests/support/test-model-server.ts):
// progress with bytes, %, speed and ETA; cancel; resume after a cancel and after a cut connection, ending with the
// exact bytes of the real file; error pages never cached; list and delete with sizes.
import { afterEach, beforeEach, expect, test } from 'vitest';
import { ModelDownloadError } from '../../../src/core/errors';
import { ModelFileCache, type DownloadProgress } from '../../../src/llm/model-file-cache';

const SIZE = 1_185_376;
const SHA256 = '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d';
const modelUrl = (query = '') => new URL(`/test-models/stories260K.gguf${query}`, location.href).href;

let cache: ModelFileCache;
let folder: string;

beforeEach(async () => {
  folder = `test-${crypto.randomUUID()}`;
  cache = await ModelFileCache.open(folder);
});

afterEach(async () => {
  await (await navigator.storage.getDirectory()).removeEntry(folder, { recursive: true });
});

async function sha256(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

test('downloads with progress (bytes, %, speed, ETA) and keeps the exact file; a second download is served from the cache', async () => {
  const seen: DownloadProgress[] = [];
  const file = await cache.download(modelUrl('?rate=2000000'), { key: 'stories', onProgress: (p) => seen.push(p) });
  expect(file.size).toBe(SIZE);
  expect(await sha256(file)).toBe(SHA256);
  expect(seen.length).toBeGreaterThan(3);
  expect(seen.map((p) => p.loadedBytes)).toEqual([...seen.map((p) => p.loadedBytes)].sort((a, b) => a - b));
  expect(seen.at(-1)).toMatchObject({ loadedBytes: SIZE, totalBytes: SIZE, fraction: 1, resumedFrom: 0 });
  const middle = seen.filter((p) => p.fraction > 0.2 && p.fraction < 0.9);
  expect(middle.some((p) => p.bytesPerSecond > 0 && p.etaSeconds !== undefined && p.etaSeconds > 0)).toBe(true);

  const again: DownloadProgress[] = [];
  const cached = await cache.download(modelUrl(), { key: 'stories', onProgress: (p) => again.push(p) });
  expect(again).toEqual([]);
  expect(cached.size).toBe(SIZE);
  expect(await cache.list()).toEqual([expect.objectContaining({ key: 'stories', size: SIZE, totalBytes: SIZE, complete: true })]);
});

test('cancel keeps the partial file, and the next download resumes from it with a range request', async () => {
  const controller = new AbortController();
  const cancelled = cache.download(modelUrl('?rate=400000'), {
    key: 'stories',
    signal: controller.signal,
    onProgress: (p) => {
      if (p.loadedBytes > 200_000) controller.abort();
    },
  });
  await expect(cancelled).rejects.toBeInstanceOf(ModelDownloadError);
  await expect(cancelled).rejects.toMatchObject({ reason: 'cancelled' });
  const [partial] = await cache.list();
  expect(partial).toMatchObject({ key: 'stories', complete: false, totalBytes: SIZE });
  expect(partial?.size).toBeGreaterThan(200_000);
  expect(await cache.get('stories')).toBeUndefined();

  const seen: DownloadProgress[] = [];
  const file = await cache.download(modelUrl('?rate=400000'), { key: 'stories', onProgress: (p) => seen.push(p) });
  expect(seen[0]?.resumedFrom).toBe(partial?.size);
  expect(await sha256(file)).toBe(SHA256);
});

test('a connection cut mid-file is resumed automatically, each try from the bytes already on the device', async () => {
  // The server sends at 2 MB/s and cuts every connection after 500,000 bytes: it takes three connections or more to
  // bring 1,185,376. Chromium drops what is still in a response's pipe when its connection breaks, so on a loaded
  // machine a try can bring fewer bytes than the server sent, even none: allow more tries than the default 3.
  const seen: DownloadProgress[] = [];
  const file = await cache.download(modelUrl('?cut=500000&rate=2000000'), { key: 'stories', retries: 10, onProgress: (p) => seen.push(p) });
  expect(await sha256(file)).toBe(SHA256);
  // At least three connections (the body can break a little before the server's cut), each resuming where the
  // bytes on the device end, never more than 500,000 further on.
  const starts = [...new Set(seen.map((p) => p.resumedFrom))];
  expect(starts.length).toBeGreaterThanOrEqual(3);
  expect(starts[0]).toBe(0);
  starts.slice(1).forEach((start, i) => {
    expect(start).toBeGreaterThan(starts[i] as number);
    expect(start - (starts[i] as number)).toBeLessThanOrEqual(500_000);
  });
});

test('with retries off, a cut is a named error that keeps the partial file; the next download resumes and completes', async () => {
  // Sent at 2 MB/s, as a network would, so the page reads the bytes as they come before the cut.
  const cut = cache.download(modelUrl('?cut=500000&rate=2000000'), { key: 'stories', retries: 0 });
  await expect(cut).rejects.toBeInstanceOf(ModelDownloadError);
  await expect(cut).rejects.toMatchObject({ reason: expect.stringContaining('connection broke') as unknown });
  const [partial] = await cache.list();
  expect(partial?.complete).toBe(false);
  expect(partial?.size).toBeGreaterThan(0);
  expect(partial?.size).toBeLessThanOrEqual(500_000);

  const seen: DownloadProgress[] = [];
  const file = await cache.download(modelUrl(), { key: 'stories', onProgress: (p) => seen.push(p) });
  expect(seen[0]?.resumedFrom).toBe(partial?.size);
  expect(await sha256(file)).toBe(SHA256);
});

test('a 404 or an HTML page is a named error and leaves nothing in the cache', async () => {
  const missing = new URL('/test-models/nothing-here.gguf', location.href).href;
  await expect(cache.download(missing)).rejects.toMatchObject({ name: 'ModelDownloadError', url: missing, reason: 'the server answered HTTP 404' });
  // The test page itself is HTML with status 200: what a single-page-app fallback sends for a missing model file.
  await expect(cache.download(location.href)).rejects.toMatchObject({ name: 'ModelDownloadError', reason: expect.stringContaining('HTML page') as unknown });
  expect(await cache.list()).toEqual([]);
  expect(await cache.bytesUsed()).toBe(0);
});

test('delete removes a file and its bytes', async () => {
  await cache.download(modelUrl(), { key: 'a' });
  await cache.download(modelUrl(), { key: 'b' });
  expect(await cache.bytesUsed()).toBe(2 * SIZE);
  await cache.delete('a');
  expect((await cache.list()).map((f) => f.key)).toEqual(['b']);
  expect(await cache.bytesUsed()).toBe(SIZE);
});
