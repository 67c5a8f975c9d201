// The demo profile is valid input for Persona, its memories point at its own events, and applying it twice writes
// nothing twice.
import { expect, test } from 'vitest';
import { validateBatch } from '../../../src/core/event-validation';
import { memoryInputSchema, parseInput, preferenceKeySchema, preferenceValueSchema } from '../../../src/core/input-validation';
import type { Memory, MemoryInput } from '../../../src/core/memory';
import { applyDemoProfile, DEMO_MEMORIES, DEMO_PREFERENCES, demoEvents } from '../../../src/app/demo-profile';
import type { Persona } from '../../../src/persona';

const NOW = Date.UTC(2026, 10, 26, 12);
const DAY_MS = 86_400_000;

test('about thirty valid events of varied kinds over the past weeks, with unique ids', () => {
  const events = validateBatch(demoEvents(NOW), { now: NOW, newId: () => 'generated' });
  expect(events.length).toBeGreaterThanOrEqual(25);
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  expect(events.every((e) => e.id.startsWith('demo-'))).toBe(true);
  expect(new Set(events.map((e) => e.kind))).toEqual(new Set(['note', 'message', 'view', 'rating', 'click', 'search', 'bookmark']));
  expect(events.every((e) => e.ts < NOW && e.ts > NOW - 40 * DAY_MS)).toBe(true);
  const ratings = events.filter((e) => e.kind === 'rating');
  expect(ratings.length).toBeGreaterThan(0);
  expect(ratings.every((e) => e.itemId !== undefined && e.rating !== undefined)).toBe(true);
  // A question and its answer keep their order.
  const sorted = [...events].sort((a, b) => a.ts - b.ts).map((e) => e.id);
  expect(sorted).toEqual(events.map((e) => e.id));
});

test('preferences and memories are valid, and every memory source is a demo event', () => {
  for (const [key, value] of Object.entries(DEMO_PREFERENCES)) {
    parseInput(preferenceKeySchema, key, 'key');
    parseInput(preferenceValueSchema, value, 'value');
  }
  const eventIds = new Set(demoEvents(NOW).map((e) => e.id));
  expect(DEMO_MEMORIES.length).toBeGreaterThanOrEqual(4);
  for (const memory of DEMO_MEMORIES) {
    parseInput(memoryInputSchema, memory, 'memory');
    expect(memory.sourceEventIds?.length).toBeGreaterThan(0);
    for (const id of memory.sourceEventIds ?? []) expect(eventIds.has(id), id).toBe(true);
  }
});

/** Just what applyDemoProfile uses of Persona, keeping what it was given the way the store does. */
function fakePersona() {
  const events = new Map<string, unknown>();
  const memories = new Map<string, MemoryInput>();
  const preferences = new Map<string, string>();
  let summary = '';
  const persona = {
    record: (inputs: { id: string }[]) => {
      const fresh = inputs.filter((input) => !events.has(input.id));
      for (const input of inputs) if (!events.has(input.id)) events.set(input.id, input);
      return Promise.resolve(fresh);
    },
    profile: {
      setPreference: (key: string, value: string) => Promise.resolve(void preferences.set(key, value)),
      editSummary: (text: string) => Promise.resolve(void (summary = text)),
    },
    memories: {
      list: () => Promise.resolve([...memories.values()] as Memory[]),
      add: (input: MemoryInput & { id: string }) => {
        if (memories.has(input.id)) return Promise.reject(new Error(`${input.id} already exists`));
        memories.set(input.id, input);
        return Promise.resolve(input);
      },
    },
  };
  return { persona: persona as unknown as Persona, events, memories, preferences, summary: () => summary };
}

test('applying it twice records each event and memory once', async () => {
  const fake = fakePersona();
  expect((await applyDemoProfile(fake.persona, NOW)).recorded).toBe(demoEvents(NOW).length);
  const second = await applyDemoProfile(fake.persona, NOW + DAY_MS);
  expect(second.recorded).toBe(0);
  expect(fake.events.size).toBe(demoEvents(NOW).length);
  expect(fake.memories.size).toBe(DEMO_MEMORIES.length);
  expect(Object.fromEntries(fake.preferences)).toEqual(DEMO_PREFERENCES);
  expect(fake.summary()).not.toBe('');
});
