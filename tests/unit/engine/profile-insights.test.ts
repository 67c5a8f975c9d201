// Interests and style traits computed from a real store with the real bundled embedder: topics the user wrote about
// become labelled, weighted interests with their events; style comes from the user's own words only; deleting a
// topic's events removes the interest at the next update.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BUNDLED_EMBEDDER } from '../../../src/embed/embedder-config';
import { TransformersEmbedder } from '../../../src/embed/transformers-embedder';
import { EmbeddingIndexer } from '../../../src/engine/embedding-indexer';
import { updateInsights } from '../../../src/engine/profile-insights';
import { PersonaStore } from '../../../src/store/persona-store';
import { uniqueName } from '../../support/store';

let embedder: TransformersEmbedder;
beforeAll(async () => {
  embedder = await TransformersEmbedder.load({ ...BUNDLED_EMBEDDER, localModelPath: fileURLToPath(new URL('../../../public/models/', import.meta.url)) });
});
afterAll(async () => {
  await embedder.dispose();
});

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 1);
const TOPICS = {
  baking: ['bread', 'dough', 'flour', 'oven', 'sourdough', 'yeast', 'baking', 'loaf', 'crust', 'butter'],
  hiking: ['mountain', 'trail', 'hiking', 'summit', 'boots', 'ridge', 'hike', 'valley', 'peak', 'backpack'],
  guitar: ['guitar', 'chords', 'strings', 'melody', 'practice', 'song', 'riff', 'amplifier', 'tuning', 'scales'],
};

test('topics become labelled interests with their events; style from the user\'s own words; deletion forgets', async () => {
  const store = await PersonaStore.open({ name: uniqueName('insights') });
  const inputs = Object.entries(TOPICS).flatMap(([topic, words], t) =>
    Array.from({ length: 12 }, (_, i) => ({
      id: `${topic}-${i}`,
      kind: 'note' as const,
      text: `I love the ${words[i % 10] ?? ''} and the ${words[(i + 3) % 10] ?? ''} with ${words[(i + 6) % 10] ?? ''}`,
      ts: NOW - (t * 20 + i) * DAY,
    })),
  );
  await store.record([...inputs, { kind: 'message', role: 'assistant', text: 'Answers are not the user\'s words!!! 🎉🎉', ts: NOW }]);
  await new EmbeddingIndexer(store, embedder).drain();

  const insights = await updateInsights(store, NOW, { seed: 7, model: embedder.model });
  expect(insights.interests.length).toBeGreaterThanOrEqual(3);
  for (const [topic, words] of Object.entries(TOPICS)) {
    const interest = insights.interests.find((candidate) => candidate.eventIds.some((id) => id.startsWith(topic)));
    expect(interest, topic).toBeDefined();
    expect(interest?.eventIds.every((id) => id.startsWith(topic))).toBe(true);
    expect(interest?.label.some((word) => words.includes(word))).toBe(true);
  }
  // The most recent topic weighs most.
  expect(insights.interests[0]?.eventIds[0]?.startsWith('baking')).toBe(true);
  expect(insights.style).toMatchObject({ language: 'en', messages: 36, emojiRate: 0 });
  expect((await store.profile.get()).traits).toMatchObject({ style: { language: 'en' }, interests: expect.any(Array) as unknown });

  await store.events.delete(Array.from({ length: 12 }, (_, i) => `hiking-${i}`));
  const after = await updateInsights(store, NOW, { seed: 7, model: embedder.model });
  expect(after.interests.some((interest) => interest.eventIds.some((id) => id.startsWith('hiking')))).toBe(false);
  expect(after.interests.flatMap((interest) => interest.label)).not.toContain('hiking');
  store.close();
});
