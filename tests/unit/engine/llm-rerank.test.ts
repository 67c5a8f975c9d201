// rank() with the optional LLM re-ranking, in Node over a real store (fake-indexeddb), with DeterministicTestBackend
// (a named test double) answering the re-ranking's JSON: the model's order is applied to the top few only, marked,
// and a useless answer leaves the blend's order. The real model (wllama, stories260K) runs it in Chromium
// (tests/browser/engine/rank-rerank.test.ts).
import { beforeEach, expect, test } from 'vitest';
import { InvalidInputError, ModelNotLoadedError } from '../../../src/core/errors';
import { HistoryRetrieval } from '../../../src/engine/history-retrieval';
import { PersonaEngine } from '../../../src/engine/persona-engine';
import { PersonaStore } from '../../../src/store/persona-store';
import { DeterministicTestBackend } from '../../support/deterministic-test-backend';
import { uniqueName } from '../../support/store';

let store: PersonaStore;
let backend: DeterministicTestBackend;
let engine: PersonaEngine;
// Popularity alone orders these (no embedder in Node): e, d, c, b, a.
const items = ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ id, text: `Recipe ${id}`, popularity: i + 1 }));

beforeEach(async () => {
  store = await PersonaStore.open({ name: uniqueName('rerank') });
  await store.profile.setPreference('diet', 'vegetarian');
  backend = new DeterministicTestBackend();
  engine = new PersonaEngine({ store, retrieval: await HistoryRetrieval.open(store), backend, contextTokens: 2048, clock: () => 10_000 });
});

test('off by default: the blend’s order, nothing asked of the model', async () => {
  const ranked = await engine.rank(items);
  expect(ranked.map((r) => r.id)).toEqual(['e', 'd', 'c', 'b', 'a']);
  expect(ranked.some((r) => r.rerank)).toBe(false);
  expect(backend.received).toEqual([]);
});

test('the model re-orders the top few it was shown, with the user’s preference; the rest keep their places', async () => {
  backend.jsonAnswer = () => '{"order":[3,1,2]}';
  const ranked = await engine.rank(items, { llmRerank: { top: 3 } });
  expect(ranked.map((r) => r.id)).toEqual(['c', 'e', 'd', 'b', 'a']);
  expect(ranked.slice(0, 3).map((r) => r.rerank)).toEqual(Array(3).fill({ by: 'model', followed: true }));
  expect(ranked.slice(3).some((r) => r.rerank)).toBe(false);
  const prompt = backend.received.at(-1)?.map((m) => m.content).join('\n') ?? '';
  expect(prompt).toContain('diet: vegetarian');
  expect(prompt).toContain('1. <user-data kind="item">Recipe e</user-data>');
  expect(prompt).not.toContain('Recipe b');
});

test('an answer that is not a valid order keeps the blend’s order, marked as not followed', async () => {
  backend.jsonAnswer = () => 'Once upon a time';
  const ranked = await engine.rank(items, { llmRerank: {} });
  expect(ranked.map((r) => r.id)).toEqual(['e', 'd', 'c', 'b', 'a']);
  expect(ranked.every((r) => r.rerank?.followed === false)).toBe(true);
});

test('asked without a model, or with a bad count, it is a named error', async () => {
  await expect(engine.rank(items, { llmRerank: { top: 1 } })).rejects.toBeInstanceOf(InvalidInputError);
  await backend.unload();
  await expect(engine.rank(items, { llmRerank: {} })).rejects.toBeInstanceOf(ModelNotLoadedError);
  expect((await engine.rank(items)).length).toBe(5);
});
