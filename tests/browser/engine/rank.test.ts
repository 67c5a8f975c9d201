// rank() through the public API in Chromium: the visitor's ratings are recorded, the engine (in its worker, with
// the bundled embedder) orders a host's items by what they liked, and each item says why.
import { afterAll, expect, test } from 'vitest';
import { createPersona, type Persona } from '../../../src/persona';

let persona: Persona | undefined;
afterAll(async () => {
  await persona?.close();
});

test("after rating films, the visitor's ranking puts films like the ones they loved first, with a reason naming one", async () => {
  persona = await createPersona({ name: `rank-${crypto.randomUUID()}`, modelChannel: `llm-${crypto.randomUUID()}` });
  const now = Date.now();
  await persona.record([
    { kind: 'rating', itemId: 'matrix', rating: 5, text: 'The Matrix: hackers fight machines in a simulated reality, science fiction action', ts: now - 3_000 },
    { kind: 'rating', itemId: 'alien', rating: 5, text: 'Alien: a crew in a spaceship hunted by a creature, science fiction horror', ts: now - 2_000 },
    { kind: 'rating', itemId: 'notebook', rating: 1, text: 'The Notebook: a romantic love story and a summer romance', ts: now - 1_000 },
  ]);
  const ranked = await persona.rank([
    { id: 'romance', text: 'Pride and Prejudice: a romantic love story of manners and marriage', popularity: 0.5 },
    { id: 'scifi', text: 'Blade Runner: science fiction about machines and a detective in a future city', popularity: 0.5 },
    { id: 'cooking', text: 'Julie and Julia: a cooking film about recipes and French food', popularity: 0.5 },
  ]);
  expect(ranked.map((item) => item.id)).toEqual(['scifi', 'cooking', 'romance']);
  expect(ranked[0]?.reason).toMatch(/The Matrix|Alien/);
  for (const item of ranked) expect(Object.keys(item.parts).sort()).toEqual(['content', 'features', 'foldIn', 'persona', 'popularity', 'preference']);
});
