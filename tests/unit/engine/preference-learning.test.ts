// Feedback → the preference model → the order of a prompt's evidence, with the real bundled embedder in Node: after
// thumbs up on cooking answers and down on car answers, a cooking note passes a car note retrieval ranked a little
// higher; deleting the judged answers forgets what was learnt, and the order returns.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BUNDLED_EMBEDDER } from '../../../src/embed/embedder-config';
import { TransformersEmbedder } from '../../../src/embed/transformers-embedder';
import { EmbeddingIndexer } from '../../../src/engine/embedding-indexer';
import { HistoryRetrieval } from '../../../src/engine/history-retrieval';
import { PersonaEngine } from '../../../src/engine/persona-engine';
import { PersonaStore } from '../../../src/store/persona-store';
import { DeterministicTestBackend } from '../../support/deterministic-test-backend';
import { uniqueName } from '../../support/store';

let embedder: TransformersEmbedder;
beforeAll(async () => {
  embedder = await TransformersEmbedder.load({ ...BUNDLED_EMBEDDER, localModelPath: fileURLToPath(new URL('../../../public/models/', import.meta.url)) });
});
afterAll(async () => {
  await embedder.dispose();
});

const COOKING = ['Try a creamy mushroom risotto with parmesan', 'Bake fresh bread with rosemary and olive oil', 'Roast vegetables with garlic and thyme', 'Make a spicy tomato pasta sauce', 'Cook a lentil curry with coconut milk', 'Prepare a lemon tart for dessert'];
const CARS = ['Change the engine oil and the oil filter', 'Rotate the tyres and check the brake pads', 'Replace the car battery and spark plugs', 'Wash the car and wax the paint', 'Check the transmission fluid level', 'Tune the engine and inspect the exhaust'];

async function evidenceOrder(engine: PersonaEngine): Promise<string[]> {
  const { composed } = await engine.compose([{ role: 'user', content: 'weekend plans' }], { evidence: 4 });
  return composed.provenance.filter((p) => p.kind === 'event').map((p) => p.id);
}

test('feedback reorders the evidence toward what the user liked, and deleting the judged answers forgets it', async () => {
  const store = await PersonaStore.open({ name: uniqueName('preferences') });
  await store.record([
    // Retrieval slightly favours the car notes (shorter, so BM25 ranks them a little higher).
    { id: 'car-plan', kind: 'note', text: 'weekend plans: service the car' },
    { id: 'car-plan-2', kind: 'note', text: 'weekend plans: car tyres' },
    { id: 'cook-plan', kind: 'note', text: 'weekend plans: cook risotto and bake fresh bread with friends' },
    { id: 'cook-plan-2', kind: 'note', text: 'weekend plans: roast vegetables and make a pasta sauce' },
  ]);
  await new EmbeddingIndexer(store, embedder).drain();
  const engine = new PersonaEngine({ store, retrieval: await HistoryRetrieval.open(store, embedder), backend: new DeterministicTestBackend(), embedder });
  const before = await evidenceOrder(engine);
  expect(before).toEqual(['car-plan', 'car-plan-2', 'cook-plan', 'cook-plan-2']);

  const answers = await store.record([...COOKING, ...CARS].map((text) => ({ kind: 'message' as const, role: 'assistant' as const, text })));
  // A few days of use: each kind of answer judged three times.
  for (let round = 0; round < 3; round++) for (const answer of answers) await engine.feedback(answer.id, COOKING.includes(answer.text) ? 'up' : 'down');
  expect(engine.preferenceExamples).toBe(36);
  // The model reorders what retrieval found within bounds (it never lifts a much weaker item over a much stronger
  // one): the cooking note passes the car note of similar relevance.
  const after = await evidenceOrder(engine);
  expect(after.indexOf('cook-plan')).toBeLessThan(after.indexOf('car-plan-2'));

  await store.events.delete(answers.map((answer) => answer.id));
  await expect.poll(() => evidenceOrder(engine)).toEqual(before);
  engine.stop();
  engine.retrieval.close();
  store.close();
});

test('the model is learnt again from stored feedback when an engine starts', async () => {
  const store = await PersonaStore.open({ name: uniqueName('preferences') });
  const answers = await store.record(COOKING.map((text) => ({ kind: 'message' as const, role: 'assistant' as const, text })));
  for (const answer of answers) await store.feedback.add({ answerId: answer.id, signal: 'up' });
  const engine = new PersonaEngine({ store, retrieval: await HistoryRetrieval.open(store, embedder), embedder });
  await engine.compose([{ role: 'user', content: 'hello' }]);
  expect(engine.preferenceExamples).toBe(6);
  engine.stop();
  engine.retrieval.close();
  store.close();
});
