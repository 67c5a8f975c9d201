// llama.cpp (wllama) in Persona's LLM worker, in Chromium, with the real stories260K model served by the test server
// (../shared/models): greedy decoding reproduces the reference text, tokens stream in order, abort stops and leaves
// the backend usable, unload frees the model, JSON-constrained output parses, and failures are named errors that
// keep their class and fields across the worker boundary.
import compatWorker from '@wllama/wllama-compat/wasm/wllama.js?url';
import compatWasm from '@wllama/wllama-compat/wasm/wllama.wasm?url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ModelDownloadError, ModelNotLoadedError, ModelUnsupportedError, WorkerCrashedError } from '../../../src/core/errors';
import type { ModelLoadProgress } from '../../../src/llm/chat-backend';
import type { ModelSpec } from '../../../src/llm/model-spec';
import { WorkerChatBackend } from '../../../src/llm/worker-chat-backend';

/** From ../shared/models/README.md: greedy decoding of "Once upon a time" with BOS under llama.cpp. */
const REFERENCE =
  'Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, ' +
  'red ball. She wanted to play with it, but it was too high.';
const PROMPT = 'Once upon a time';
const STORIES: ModelSpec = { id: 'stories260K', gguf: { url: new URL('/test-models/stories260K.gguf', location.href).href }, contextSize: 512 };

let backend: WorkerChatBackend;
const progress: ModelLoadProgress[] = [];

beforeAll(async () => {
  backend = await WorkerChatBackend.connect(() => new Worker(new URL('../../../workers/wllama.worker.ts', import.meta.url), { type: 'module' }));
  await backend.load(STORIES, { onProgress: (p) => progress.push(p) });
});

afterAll(() => {
  backend.terminate();
});

test('loads stories260K from the test server with download progress', () => {
  expect(backend.kind).toBe('wllama');
  expect(backend.model).toBe('stories260K');
  expect(progress.at(-1)).toMatchObject({ phase: 'load', fraction: 1 });
  // A first load downloads with byte counts; a model already in the OPFS cache goes straight to 'load'.
  for (const p of progress.filter((q) => q.phase === 'download')) expect(p.totalBytes).toBe(1_185_376);
});

test('greedy decoding reproduces the reference text of ../shared/models/README.md', async () => {
  const result = await backend.complete(PROMPT, { maxTokens: 60 });
  expect(PROMPT + result.text).toContain(REFERENCE);
  expect(result.finishReason).toBe('length');
  expect(result.usage.completionTokens).toBe(60);
  expect(result.usage.promptTokens).toBeGreaterThan(0);
});

test('streams the answer piece by piece, in order, before the call resolves', async () => {
  const pieces: string[] = [];
  let resolved = false;
  const pending = backend.complete(PROMPT, { maxTokens: 40, onToken: (piece) => pieces.push(resolved ? `late:${piece}` : piece) });
  const result = await pending;
  resolved = true;
  expect(pieces.length).toBeGreaterThan(10);
  expect(pieces.join('')).toBe(result.text);
  expect(REFERENCE).toContain(PROMPT + result.text);
});

test('abort stops generation with what was generated so far, and the backend keeps answering', async () => {
  const controller = new AbortController();
  const pieces: string[] = [];
  const result = await backend.complete(PROMPT, {
    maxTokens: 200,
    signal: controller.signal,
    onToken: (piece) => {
      pieces.push(piece);
      if (pieces.length === 5) controller.abort();
    },
  });
  expect(result.finishReason).toBe('abort');
  expect(result.text.length).toBeGreaterThan(0);
  expect(REFERENCE.startsWith(PROMPT + result.text)).toBe(true);
  expect(result.text.length).toBeLessThan(REFERENCE.length - PROMPT.length);

  const again = await backend.complete(PROMPT, { maxTokens: 60 });
  expect(PROMPT + again.text).toContain(REFERENCE);
});

test('a call aborted before it starts generates nothing', async () => {
  const result = await backend.complete(PROMPT, { maxTokens: 50, signal: AbortSignal.abort() });
  expect(result).toMatchObject({ text: '', finishReason: 'abort' });
});

test('JSON-constrained output is valid JSON matching the schema, in chat and raw completion', async () => {
  const schema = { type: 'object', properties: { mood: { enum: ['happy', 'sad'] }, name: { type: 'string', maxLength: 12 } }, required: ['mood', 'name'], additionalProperties: false };
  const chat = await backend.chat([{ role: 'user', content: 'Tell me about Lily.' }], { maxTokens: 80, json: schema });
  const raw = await backend.complete(PROMPT, { maxTokens: 80, json: schema });
  for (const { text, finishReason } of [chat, raw]) {
    expect(finishReason).toBe('stop');
    const value = JSON.parse(text) as { mood: string; name: string };
    expect(Object.keys(value).sort()).toEqual(['mood', 'name']);
    expect(['happy', 'sad']).toContain(value.mood);
    expect(typeof value.name).toBe('string');
    expect(value.name.length).toBeLessThanOrEqual(12);
  }
});

test('chat applies a template and reports prompt and completion tokens', async () => {
  const result = await backend.chat([{ role: 'system', content: 'You tell stories.' }, { role: 'user', content: 'A story about a ball.' }], { maxTokens: 20 });
  expect(result.text.length).toBeGreaterThan(0);
  expect(result.usage.completionTokens).toBe(20);
  // The template's markers and both messages: more than the user's words alone.
  expect(result.usage.promptTokens).toBeGreaterThan(await backend.countTokens('A story about a ball.'));
  // Counting the templated conversation gives what the model read.
  expect(await backend.countChatTokens([{ role: 'system', content: 'You tell stories.' }, { role: 'user', content: 'A story about a ball.' }])).toBe(result.usage.promptTokens);
});

test('counts tokens in the model vocabulary, without the BOS the runtime adds', async () => {
  const short = await backend.countTokens(PROMPT);
  const long = await backend.countTokens(REFERENCE);
  expect(short).toBeGreaterThan(0);
  expect(long).toBeGreaterThan(short * 5);
  const { usage } = await backend.complete(PROMPT, { maxTokens: 1 });
  expect(usage.promptTokens).toBe(short + 1);
});

test('a model with no GGUF build is refused with ModelUnsupportedError, across the worker', async () => {
  const refused = backend.load({ id: 'web-llm-only', mlc: { modelId: 'x', modelUrl: 'https://example.invalid/x', modelLibUrl: 'x.wasm' } });
  await expect(refused).rejects.toBeInstanceOf(ModelUnsupportedError);
  await expect(refused).rejects.toMatchObject({ name: 'ModelUnsupportedError', model: 'web-llm-only', backend: 'wllama' });
});

test('a model URL that 404s is a ModelDownloadError naming the URL; the backend loads the real model after', async () => {
  const url = new URL('/test-models/missing.gguf', location.href).href;
  const failed = backend.load({ id: 'missing', gguf: { url } });
  await expect(failed).rejects.toBeInstanceOf(ModelDownloadError);
  await expect(failed).rejects.toMatchObject({ url });
  expect(backend.model).toBeUndefined();
  await backend.load(STORIES);
  expect((await backend.complete(PROMPT, { maxTokens: 60 })).text).toContain('little girl named Lily');
});

test('unload frees the model: calls are refused with ModelNotLoadedError until it loads again', async () => {
  await backend.unload();
  expect(backend.model).toBeUndefined();
  await expect(backend.complete(PROMPT)).rejects.toBeInstanceOf(ModelNotLoadedError);
  await backend.load(STORIES);
  expect((await backend.complete(PROMPT, { maxTokens: 60 })).text).toContain('little girl named Lily');
});

test("the compat build for browsers without JSPI or wasm64 (Safari, Firefox) is served from the app's own origin", async () => {
  for (const asset of [compatWorker, compatWasm]) {
    const url = new URL(asset, location.href);
    expect(url.origin).toBe(location.origin);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const head = new Uint8Array(await response.arrayBuffer()).subarray(0, 4);
    if (asset === compatWasm) expect([...head]).toEqual([0, 0x61, 0x73, 0x6d]);
  }
});

test('an LLM worker that dies mid-generation fails it with WorkerCrashedError; the next call reloads the model in a new worker (issue 9, item 10)', async () => {
  const spawned: Worker[] = [];
  const supervised = await WorkerChatBackend.connect(() => {
    const worker = new Worker(new URL('../../../workers/wllama.worker.ts', import.meta.url), { type: 'module' });
    spawned.push(worker);
    return worker;
  });
  try {
    await supervised.load(STORIES);
    let generating!: () => void;
    const midway = new Promise<void>((resolve) => (generating = resolve));
    const pending = supervised.complete(PROMPT, { maxTokens: 400, onToken: () => { generating(); } });
    pending.catch(() => undefined);
    // The first token is out: the worker dies behind the client's back, as llama.cpp running out of memory would.
    await midway;
    spawned[0]?.terminate();
    const failure = await pending.then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkerCrashedError);
    expect((failure as WorkerCrashedError).worker).toBe('wllama LLM');
    // The model is still the one asked for: the next call starts a worker, loads it again (from the device's
    // cache) and answers exactly as before.
    expect(supervised.model).toBe(STORIES.id);
    const again = await supervised.complete(PROMPT, { maxTokens: 48, temperature: 0 });
    expect(again.text.length).toBeGreaterThan(0);
    expect(`${PROMPT}${again.text}`.startsWith(REFERENCE.slice(0, PROMPT.length + again.text.length))).toBe(true);
    expect(spawned).toHaveLength(2);
    expect(supervised.starts).toBe(2);
  } finally {
    supervised.terminate();
  }
});
