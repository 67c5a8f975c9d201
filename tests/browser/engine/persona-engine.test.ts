// The engine in Chromium with everything real: the store on IndexedDB, the bundled embedder in its worker, hybrid
// retrieval, and llama.cpp (wllama) in its worker with the stories260K model. Chat streams tokens and returns
// provenance that points at stored events; the composed prompt fits the model's context as its own tokenizer counts
// it; after a reopen, the notes and the recorded turn are found again. (stories260K writes children's stories and
// follows no instructions: these tests prove the plumbing, not the answer's quality.)
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BUNDLED_EMBEDDER } from '../../../src/embed/embedder-config';
import { WorkerEmbedder } from '../../../src/embed/worker-embedder';
import { EmbeddingIndexer } from '../../../src/engine/embedding-indexer';
import { HistoryRetrieval } from '../../../src/engine/history-retrieval';
import { PersonaEngine } from '../../../src/engine/persona-engine';
import { WorkerChatBackend } from '../../../src/llm/worker-chat-backend';
import { PersonaStore } from '../../../src/store/persona-store';

const NAME = `engine-${crypto.randomUUID()}`;
const CONTEXT = 512;
let embedder: WorkerEmbedder;
let backend: WorkerChatBackend;

beforeAll(async () => {
  embedder = await WorkerEmbedder.start(() => new Worker(new URL('../../../workers/embedder.worker.ts', import.meta.url), { type: 'module' }), BUNDLED_EMBEDDER);
  backend = await WorkerChatBackend.connect(() => new Worker(new URL('../../../workers/wllama.worker.ts', import.meta.url), { type: 'module' }));
  await backend.load({ id: 'stories260K', gguf: { url: new URL('/test-models/stories260K.gguf', location.href).href }, contextSize: CONTEXT });
});

afterAll(() => {
  embedder.terminate();
  backend.terminate();
});

async function openEngine(): Promise<{ engine: PersonaEngine; store: PersonaStore }> {
  const store = await PersonaStore.open({ name: NAME });
  await new EmbeddingIndexer(store, embedder).drain();
  const engine = new PersonaEngine({ store, retrieval: await HistoryRetrieval.open(store, embedder), backend, contextTokens: CONTEXT });
  return { engine, store };
}

test('chat with the real model: streamed tokens, a prompt that fits the context, provenance pointing at stored events', async () => {
  const { engine, store } = await openEngine();
  await engine.record([
    { id: 'ball', kind: 'note', text: 'Lily played with a big red ball in the park' },
    { id: 'cake', kind: 'note', text: 'We baked a chocolate cake for the birthday party' },
    { id: 'rain', kind: 'note', text: 'It rained all day so we stayed inside and read books' },
  ]);
  await new EmbeddingIndexer(store, embedder).drain();
  await store.profile.setPreference('tone', 'playful');

  const pieces: string[] = [];
  const answer = await engine.chat([{ role: 'user', content: 'Tell me about the red ball in the park' }], { maxTokens: 48, onToken: (p) => pieces.push(p) });
  expect(answer.text.length).toBeGreaterThan(0);
  expect(pieces.join('')).toBe(answer.text);
  expect(answer.usage.completionTokens).toBeGreaterThan(0);
  // The model's own count of the prompt leaves room for the answer in its 512-token context.
  expect(answer.usage.promptTokens + 48).toBeLessThanOrEqual(CONTEXT);
  const events = answer.provenance.filter((p) => p.kind === 'event').map((p) => p.id);
  expect(events[0]).toBe('ball');
  for (const id of events) expect(await store.events.get(id)).toBeDefined();
  expect(answer.provenance[0]).toMatchObject({ kind: 'preference', id: 'tone' });
  expect(answer.id).toBeDefined();
  store.close();
  engine.retrieval.close();
});

test('memory extraction runs on the real model under constrained decoding: its JSON is stored or refused whole by policy', async () => {
  const { engine, store } = await openEngine();
  // The extraction instructions alone outgrow stories260K's 512 tokens (its vocabulary splits English finely): the
  // model gets a 2,048-token context here (beyond what it was trained on; the grammar keeps its output valid).
  await backend.load({ id: 'stories260K-2k', gguf: { url: new URL('/test-models/stories260K.gguf', location.href).href }, contextSize: 2048 });
  engine.useBackend(backend, 2048);
  await store.record({ kind: 'message', role: 'user', text: 'I have a dog named Max and I love chocolate cake' });
  const before = await store.memories.list();
  const report = await engine.extractMemories();
  // The grammar guarantees the shape: the answer is always JSON with a "memories" list.
  const parsed = JSON.parse(report.modelAnswer ?? '') as { memories: unknown[] };
  expect(Array.isArray(parsed.memories)).toBe(true);
  const after = await store.memories.list();
  if (report.rejected !== undefined) {
    // Refused by policy (e.g. a memory citing no user turn): nothing stored.
    expect(after).toEqual(before);
  } else {
    expect(after.length).toBe(before.length + report.added);
    for (const memory of after) for (const id of memory.sourceEventIds) expect(await store.events.get(id)).toBeDefined();
  }
  store.close();
  engine.retrieval.close();
});

test('after a reopen, the notes and the recorded turn are found again', async () => {
  const { engine, store } = await openEngine();
  expect(await store.events.count()).toBe(6);
  const found = await engine.retrieve('red ball park', { limit: 3 });
  expect(found.hits.map((hit) => hit.id)).toContain('ball');
  const turns = await store.events.list({ kind: 'message' });
  expect(turns.events.map((event) => event.role).sort()).toEqual(['assistant', 'user', 'user']);
  store.close();
  engine.retrieval.close();
});
