// rank() with the optional LLM re-ranking, through the public API in Chromium with the real llama.cpp runtime
// (wllama) and the real stories260K model. The model writes children's stories, not judgements, so the test checks
// the machinery — the answer is constrained to item numbers, the top few come back as a permutation of themselves,
// marked, and the rest as the blend ordered them — never which order the model chose.
import { afterAll, expect, test } from 'vitest';
import { ModelNotLoadedError } from '../../../src/core/errors';
import { createPersona, type Persona } from '../../../src/persona';

const STORIES = { id: 'stories260K', gguf: { url: new URL('/test-models/stories260K.gguf', location.href).href }, contextSize: 512 };
const ITEMS = ['Tomato soup with basil', 'Mushroom risotto', 'Lentil curry', 'Apple pie', 'Pancakes with syrup', 'Green salad', 'Fish tacos'].map((text, i) => ({
  id: `recipe-${i}`,
  text,
  popularity: (i + 1) * 10,
}));

let persona: Persona | undefined;
afterAll(async () => {
  await persona?.close();
});

test('the loaded model re-orders the top few it was shown (a permutation, marked); the rest keep the blend’s order', async () => {
  persona = await createPersona({ name: `rerank-${crypto.randomUUID()}`, modelChannel: `llm-${crypto.randomUUID()}` });
  await persona.record([{ kind: 'view', itemId: 'recipe-1', text: 'Mushroom risotto' }]);
  await persona.profile.setPreference('diet', 'vegetarian');
  await expect(persona.rank(ITEMS, { llmRerank: { top: 4 } })).rejects.toBeInstanceOf(ModelNotLoadedError);

  await persona.models.load(STORIES);
  const blend = await persona.rank(ITEMS);
  const reranked = await persona.rank(ITEMS, { llmRerank: { top: 4 } });
  const top = (list: readonly { id: string }[]) => list.slice(0, 4).map((item) => item.id);
  expect([...top(reranked)].sort()).toEqual([...top(blend)].sort());
  expect(reranked.slice(4).map((item) => item.id)).toEqual(blend.slice(4).map((item) => item.id));
  for (const item of reranked.slice(0, 4)) expect(item.rerank).toMatchObject({ by: 'model', followed: expect.any(Boolean) as unknown });
  expect(reranked.slice(4).every((item) => item.rerank === undefined)).toBe(true);
});

test('a re-ranking cancelled before it starts still returns the whole list', async () => {
  persona ??= await createPersona({ name: `rerank-${crypto.randomUUID()}`, modelChannel: `llm-${crypto.randomUUID()}` });
  if (!(await persona.status()).model) await persona.models.load(STORIES);
  const ranked = await persona.rank(ITEMS, { llmRerank: { top: 3, signal: AbortSignal.abort() } });
  expect(ranked.map((item) => item.id).sort()).toEqual(ITEMS.map((item) => item.id).sort());
});
