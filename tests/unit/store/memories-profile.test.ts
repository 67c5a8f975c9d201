// Memories with provenance and history; the profile's preferences, summary and traits; feedback; settings.
import { afterEach, describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors';
import type { PersonaStore } from '../../../src/store/persona-store';
import { manualClock, openTestStore } from '../../support/store';

let store: PersonaStore;
afterEach(() => {
  store.close();
});

describe('memories', () => {
  test('keep every revision, list pinned first, and filter', async () => {
    const clock = manualClock();
    store = await openTestStore({ clock: clock.now });
    const tea = await store.memories.add({ text: 'Prefers green tea', sourceEventIds: ['e1'], confidence: 0.6, by: 'model', category: 'preference' });
    clock.advance(1000);
    const city = await store.memories.add({ text: 'Lives in Lyon', category: 'fact' });
    clock.advance(1000);
    await store.memories.update(tea.id, { text: 'Prefers sencha', confidence: 0.9 });
    clock.advance(1000);
    await store.memories.pin(tea.id);

    const history = await store.memories.history(tea.id);
    expect(history.map((r) => [r.reason, r.text, r.by, r.pinned])).toEqual([
      ['created', 'Prefers green tea', 'model', false],
      ['edited', 'Prefers sencha', 'user', false],
      ['pinned', 'Prefers sencha', 'user', true],
    ]);
    expect((await store.memories.list()).map((m) => m.id)).toEqual([tea.id, city.id]);
    expect((await store.memories.list({ pinned: false })).map((m) => m.id)).toEqual([city.id]);
    expect((await store.memories.list({ text: 'SENCHA' })).map((m) => m.id)).toEqual([tea.id]);
    expect((await store.memories.list({ sourceEventId: 'e1' })).map((m) => m.id)).toEqual([tea.id]);
    expect((await store.memories.list({ category: 'fact' })).map((m) => m.id)).toEqual([city.id]);
    expect(await store.memories.delete(city.id)).toBe(true);
    expect(await store.memories.delete(city.id)).toBe(false);
  });

  test('reject bad input by field and change nothing', async () => {
    store = await openTestStore();
    await expect(store.memories.add({ text: '   ' })).rejects.toMatchObject({ name: 'InvalidInputError', field: 'memory.text' });
    await expect(store.memories.add({ text: 'x', confidence: 2 })).rejects.toMatchObject({ field: 'memory.confidence' });
    await expect(store.memories.add({ text: 'x', extra: 1 } as never)).rejects.toMatchObject({ field: 'memory.extra' });
    const m = await store.memories.add({ id: 'fixed', text: 'x' });
    await expect(store.memories.add({ id: 'fixed', text: 'y' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.memories.update(m.id, { pinned: true } as never)).rejects.toMatchObject({ field: 'patch.pinned' });
    expect(await store.memories.list()).toEqual([m]);
  });
});

describe('profile', () => {
  test('preferences are set, replaced and removed', async () => {
    store = await openTestStore();
    expect(await store.profile.get()).toMatchObject({ preferences: {}, traits: {} });
    await store.profile.setPreference('diet', 'vegetarian');
    await store.profile.setPreference('language', 'fr');
    await store.profile.setPreference('diet', 'vegan');
    await store.profile.removePreference('language');
    const profile = await store.profile.get();
    expect(Object.keys(profile.preferences)).toEqual(['diet']);
    expect(profile.preferences.diet?.value).toBe('vegan');
    await expect(store.profile.setPreference('bad key!', 'x')).rejects.toMatchObject({ name: 'InvalidInputError', field: 'preference key' });
  });

  test("a user's edit of the summary wins over regeneration unless forced", async () => {
    store = await openTestStore();
    expect(await store.profile.setSummary({ text: 'Likes films.', by: 'model', sourceEventIds: ['e1'] })).toBe(true);
    expect(await store.profile.setSummary({ text: 'Loves science fiction films.', by: 'user' })).toBe(true);
    expect(await store.profile.setSummary({ text: 'Likes films and tea.', by: 'model' })).toBe(false);
    let summary = (await store.profile.get()).summary;
    expect(summary?.text).toBe('Loves science fiction films.');
    expect(summary?.editedAt).toBeDefined();
    expect(summary?.sourceEventIds).toEqual(['e1']);
    expect(await store.profile.setSummary({ text: 'Regenerated.', by: 'model', force: true })).toBe(true);
    summary = (await store.profile.get()).summary;
    expect(summary?.text).toBe('Regenerated.');
    expect(summary?.editedAt).toBeUndefined();
  });

  test('traits are JSON, bounded', async () => {
    store = await openTestStore();
    await store.profile.setTraits({ formality: 0.3, languages: ['fr', 'en'] });
    expect((await store.profile.get()).traits).toEqual({ formality: 0.3, languages: ['fr', 'en'] });
    await expect(store.profile.setTraits({ f: () => 1 } as never)).rejects.toMatchObject({ field: 'traits.f' });
  });
});

describe('feedback and settings', () => {
  test('feedback is kept per answer, oldest first', async () => {
    const clock = manualClock();
    store = await openTestStore({ clock: clock.now });
    await store.feedback.add({ answerId: 'a1', signal: 'up' });
    clock.advance(5);
    await store.feedback.add({ answerId: 'a2', signal: 'edit', editedText: 'better answer' });
    clock.advance(5);
    await store.feedback.add({ answerId: 'a1', signal: 'copy' });
    expect((await store.feedback.list()).map((f) => f.signal)).toEqual(['up', 'edit', 'copy']);
    expect((await store.feedback.list('a1')).map((f) => f.signal)).toEqual(['up', 'copy']);
    await expect(store.feedback.add({ answerId: 'a1', signal: 'meh' as 'up' })).rejects.toMatchObject({ field: 'feedback.signal' });
  });

  test('settings hold JSON values and refuse what is not JSON', async () => {
    store = await openTestStore();
    await store.settings.set('sources.optOut', ['widget:ads.example']);
    await store.settings.set('theme', 'dark');
    await store.settings.delete('theme');
    expect(await store.settings.all()).toEqual({ 'sources.optOut': ['widget:ads.example'] });
    await expect(store.settings.set('deep', { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } })).rejects.toMatchObject({ name: 'InvalidInputError' });
    await expect(store.settings.set('nan', Number.NaN)).rejects.toMatchObject({ reason: 'must be a finite number' });
  });
});
