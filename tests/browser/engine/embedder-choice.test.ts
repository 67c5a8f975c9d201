// The opt-in search model, end to end in Chromium through createPersona(): a model chosen from a configured host (a
// self-hosted mirror in the hub's layout, served by the test server: the bundled model's files under another id,
// since no hub can be reached here) runs after the next open, the history is embedded again with it and the old
// vectors go; a model the host does not have leaves the bundled one running with the reason; null goes back.
import { expect, test } from 'vitest';
import { BUNDLED_EMBEDDER, embedderModelId } from '../../../src/embed/embedder-config';
import { InvalidInputError, ModelHostNotAllowedError } from '../../../src/core/errors';
import type { Persona } from '../../../src/persona';
import { personaOpener } from '../../support/personas';
import { PersonaStore } from '../../../src/store/persona-store';
import { HUB_MIRROR_MODEL, TEST_HUB_PATH } from '../../support/test-hub';

const NAME = `persona-embedder-${crypto.randomUUID()}`;
const HOST = new URL(TEST_HUB_PATH, location.href).href;
const open = personaOpener(NAME);

/** The status once all 20 events are embedded with whichever model runs. */
async function settled(persona: Persona) {
  await expect.poll(async () => (await persona.status()).intelligence, { timeout: 60_000 }).toMatchObject({ phase: 'ready', pending: 0, embedded: 20 });
  return (await persona.status()).intelligence;
}

async function vectorSpaces(): Promise<string[]> {
  const store = await PersonaStore.open({ name: NAME });
  try {
    return (await store.segments.spaceNames()).filter((space) => space.startsWith('vectors:'));
  } finally {
    store.close();
  }
}

test('a chosen model runs after reopening and re-embeds the history; an unavailable one falls back with its reason', async () => {
  let persona = await open();
  await persona.record(Array.from({ length: 20 }, (_, i) => ({ kind: 'note' as const, text: i % 2 ? `hiked the ridge trail, day ${i}` : `baked sourdough bread, day ${i}` })));
  expect(await settled(persona)).toMatchObject({ model: embedderModelId(BUNDLED_EMBEDDER), embedded: 20 });
  expect(await persona.embedder.choice()).toBeUndefined();

  const mirror = { model: HUB_MIRROR_MODEL, remoteHost: HOST, dtype: 'q8' as const };
  expect(await persona.embedder.choose(mirror)).toEqual(mirror);
  await expect(persona.embedder.choose({ model: '../escape', remoteHost: HOST, dtype: 'q8' })).rejects.toBeInstanceOf(InvalidInputError);
  // A host outside this build's model hosts is refused up front, with the setting named.
  const outside = persona.embedder.choose({ model: 'owner/model', remoteHost: 'https://models.example.org/', dtype: 'q8' });
  await expect(outside).rejects.toBeInstanceOf(ModelHostNotAllowedError);
  await expect(outside).rejects.toThrow(/PERSONA_MODEL_HOSTS/);
  expect(await persona.embedder.choice()).toEqual(mirror);
  await persona.close();

  persona = await open();
  const switched = await settled(persona);
  expect(switched).toMatchObject({ model: `${HUB_MIRROR_MODEL}:q8`, embedded: 20 });
  expect(switched.fallbackReason).toBeUndefined();
  // Every event has a vector of the new model, and the old model's vectors went once all were done.
  await expect.poll(vectorSpaces, { timeout: 10_000 }).toEqual([`vectors:${HUB_MIRROR_MODEL}:q8`]);
  const { hits } = await persona.retrieve('a walk in the mountains', { weights: { keyword: 0 }, limit: 3, mmrLambda: 1 });
  expect(hits.map((hit) => hit.event.text).every((text) => text.includes('hiked'))).toBe(true);

  await persona.embedder.choose({ model: 'persona-test/not-there', remoteHost: HOST, dtype: 'q8' });
  await persona.close();
  persona = await open();
  const fallback = await settled(persona);
  expect(fallback).toMatchObject({ model: embedderModelId(BUNDLED_EMBEDDER), requested: 'persona-test/not-there:q8' });
  expect(fallback.fallbackReason).toMatch(/persona-test\/not-there could not be loaded from .*test-hub/);

  await persona.embedder.choose(null);
  await persona.close();
  persona = await open();
  const back = await settled(persona);
  expect(back).toMatchObject({ model: embedderModelId(BUNDLED_EMBEDDER), embedded: 20 });
  expect(back.requested).toBeUndefined();
});
