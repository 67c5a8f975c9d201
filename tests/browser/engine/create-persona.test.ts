// createPersona() in Chromium: the engine in its worker (store, bundled embedder, retrieval, llama.cpp with the real
// stories260K model), driven from the page: record, chat with streamed tokens and provenance that points at stored
// events, abort, named errors across the worker, pause, and everything found again after closing and reopening.
import { afterAll, expect, test } from 'vitest';
import { InvalidEventError, ModelNotLoadedError, WorkerCrashedError } from '../../../src/core/errors';
import { createPersona, type Persona } from '../../../src/persona';

const NAME = `persona-${crypto.randomUUID()}`;
const CHANNEL = `llm-${crypto.randomUUID()}`;
const STORIES = { id: 'stories260K', gguf: { url: new URL('/test-models/stories260K.gguf', location.href).href }, contextSize: 512 };
const opened: Persona[] = [];

afterAll(async () => {
  for (const persona of opened) await persona.close();
});

async function open(): Promise<Persona> {
  const persona = await createPersona({ name: NAME, modelChannel: CHANNEL });
  opened.push(persona);
  return persona;
}

async function embedded(persona: Persona): Promise<void> {
  await expect.poll(async () => (await persona.status()).intelligence, { timeout: 30_000 }).toMatchObject({ phase: 'ready', pending: 0 });
}

test('record, load the model, chat: streamed pieces, provenance of stored events, abort, named errors', async () => {
  const persona = await open();
  await expect(persona.chat([{ role: 'user', content: 'hello' }])).rejects.toBeInstanceOf(ModelNotLoadedError);
  await expect(persona.record({ kind: 'bogus' as 'note', text: 'x' })).rejects.toBeInstanceOf(InvalidEventError);

  await persona.record([
    { id: 'ball', kind: 'note', text: 'Lily played with a big red ball in the park' },
    { id: 'cake', kind: 'note', text: 'We baked a chocolate cake for the birthday party' },
  ]);
  await embedded(persona);
  const progress: number[] = [];
  const status = await persona.models.load(STORIES, { onProgress: (p) => progress.push(p.fraction) });
  expect(status).toMatchObject({ model: 'stories260K' });
  expect(progress.at(-1)).toBe(1);

  const pieces: string[] = [];
  const answer = await persona.chat([{ role: 'user', content: 'Tell me about the red ball' }], { maxTokens: 40, onToken: (p) => pieces.push(p) });
  expect(pieces.join('')).toBe(answer.text);
  expect(answer.text.length).toBeGreaterThan(0);
  const cited = answer.provenance.filter((p) => p.kind === 'event').map((p) => p.id);
  expect(cited[0]).toBe('ball');
  const stored = await persona.events.list({ limit: 10 });
  for (const id of cited) expect(stored.events.map((e) => e.id)).toContain(id);
  expect(stored.events.map((e) => e.id)).toContain(answer.id);
  const thumbs = await persona.feedback(answer.id as string, 'up');
  expect(thumbs).toMatchObject({ answerId: answer.id, signal: 'up' });

  const controller = new AbortController();
  let count = 0;
  const stopped = await persona.chat([{ role: 'user', content: 'Tell me a long story' }], {
    maxTokens: 300,
    signal: controller.signal,
    temporary: true,
    onToken: () => {
      if (++count === 3) controller.abort();
    },
  });
  expect(stopped.finishReason).toBe('abort');
  expect(stopped.id).toBeUndefined();

  // Memory extraction in the engine worker, under the JSON grammar: stored or refused whole by policy. The
  // extraction instructions need more than stories260K's 512 tokens: the same model with a 2,048-token context.
  await persona.models.load({ ...STORIES, id: 'stories260K-2k', contextSize: 2048 });
  const memoriesBefore = await persona.memories.list();
  const report = await persona.memories.extract();
  expect(Array.isArray((JSON.parse(report.modelAnswer ?? '') as { memories: unknown }).memories)).toBe(true);
  const memoriesAfter = await persona.memories.list();
  if (report.rejected === undefined) expect(memoriesAfter.length).toBe(memoriesBefore.length + report.added);
  else expect(memoriesAfter).toEqual(memoriesBefore);
});

test('paused learning records nothing; after closing and reopening everything is found again', async () => {
  const persona = await open();
  const before = (await persona.events.list({ limit: 100 })).events.length;
  expect((await persona.pause()).paused).toBe(true);
  expect(await persona.record({ kind: 'note', text: 'a secret note' })).toEqual([]);
  await persona.resume();
  await persona.close();

  const again = await open();
  await embedded(again);
  expect((await again.events.list({ limit: 100 })).events.length).toBe(before);
  const found = await again.retrieve('red ball park', { limit: 3 });
  expect(found.hits.map((hit) => hit.id)).toContain('ball');
});

test('storage, sources, the model catalogue, export and import preview, and wipe, all through the engine worker', async () => {
  const persona = await open();
  await embedded(persona);
  const usage = await persona.storage.usage();
  expect(usage.events).toBeGreaterThan(0);
  expect(usage.quotaBytes).toBeGreaterThan(0);

  await persona.sources.setBlocked('widget:ads', true);
  expect(await persona.sources.blocked()).toEqual(['widget:ads']);
  expect(await persona.record({ kind: 'click', text: 'an ad', source: 'widget:ads' })).toEqual([]);

  const catalogue = await persona.models.catalogue();
  expect(catalogue.length).toBeGreaterThanOrEqual(5);
  for (const entry of catalogue) expect(entry.choice.backend).toBe('wllama');

  const exported = await new Response(await persona.export()).blob();
  expect(exported.size).toBeGreaterThan(0);
  // Importing our own export into the same store changes nothing: every event is already here.
  const preview = await persona.previewImport(exported);
  expect(preview.encrypted).toBe(false);
  expect(preview.added.event).toBe(0);
  expect(preview.skipped.event + preview.updated.event).toBe(usage.events);

  await persona.wipe();
  await expect(persona.status()).rejects.toMatchObject({ name: 'StoreClosedError' });
  const fresh = await open();
  expect((await fresh.events.list()).events).toEqual([]);
});

test('an engine worker that dies is noticed: calls fail with WorkerCrashedError instead of waiting forever', async () => {
  const worker = new Worker(new URL('../../../workers/engine.worker.ts', import.meta.url), { type: 'module' });
  const persona = await createPersona({ name: `persona-${crypto.randomUUID()}`, modelChannel: `llm-${crypto.randomUUID()}`, worker });
  await persona.record({ kind: 'note', text: 'before the crash' });
  // Ended behind the client's back, as the browser does to a worker that runs out of memory.
  worker.terminate();
  await expect(persona.status()).rejects.toBeInstanceOf(WorkerCrashedError);
  await expect(persona.record({ kind: 'note', text: 'after the crash' })).rejects.toBeInstanceOf(WorkerCrashedError);
});
