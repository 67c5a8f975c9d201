// Bad input is harmless (issue 9, item 5): property-based fuzzing of record() and import() with well over 1,000
// generated malformed inputs each. Every one must be refused with one of Persona's named errors — never a crash, a
// TypeError or a hang — and the database must be exactly as it was: a full export before and after compares equal.
// Inputs are built to be invalid for sure (a corrupted field of a valid event, a file whose end record, header or a
// record's field is wrong), so a pass proves the checks, not luck. Runs in Node and in Chromium's real IndexedDB.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PersonaError } from '../../../src/core/errors';
import { EVENT_KINDS } from '../../../src/core/history-event';
import type { PersonaStore } from '../../../src/store/persona-store';
import { openTestStore } from '../../support/store';

const RUNS = 1_000;
const SLOW = 300_000;

let store: PersonaStore;
let before: string[];
let validExport: string;

async function exportText(): Promise<string> {
  return new Response(store.export({ includeVectors: true })).text();
}

/**
 * The export without what records the moment of exporting rather than the user's data: the header line, and the
 * creation time of the index segments, which the export compacts afresh each time.
 */
async function dataLines(): Promise<string[]> {
  return (await exportText())
    .split('\n')
    .slice(1)
    .map((line) => line.replace(/("type":"segment".*?)"createdAt":\d+,/, '$1'));
}

/** Refused with a named error: a subclass of PersonaError with its own name, not a stray exception. */
async function expectNamedRefusal(attempt: Promise<unknown>): Promise<string> {
  let failure: unknown;
  try {
    await attempt;
  } catch (error) {
    failure = error;
  }
  expect(failure, 'the input was accepted').toBeInstanceOf(PersonaError);
  const error = failure as PersonaError;
  expect(error.constructor).not.toBe(PersonaError);
  expect(error.name).toMatch(/^[A-Z]\w+Error$/);
  expect(error.name).not.toBe('PersonaError');
  return error.name;
}

beforeAll(async () => {
  store = await openTestStore();
  await store.record(
    Array.from({ length: 10 }, (_, i) => ({
      id: `seed-${i}`,
      ts: Date.UTC(2026, 0, 1 + i),
      kind: EVENT_KINDS[i % EVENT_KINDS.length] ?? 'note',
      text: `seed event ${i}`,
      ...(i % 2 === 0 ? { itemId: `item-${i}`, rating: 4 } : {}),
    })),
  );
  await store.memories.add({ id: 'm1', text: 'Likes green tea', sourceEventIds: ['seed-0'] });
  await store.profile.setPreference('tone', 'dry');
  validExport = await exportText();
  before = await dataLines();
});

afterAll(() => {
  store.close();
});

// ── record() ──────────────────────────────────────────────────────────────────────────────────────────────────────

const validEvent = fc.record({
  kind: fc.constantFrom(...EVENT_KINDS),
  text: fc.string({ maxLength: 40 }),
  ts: fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }),
});

const notAString = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));

/** Nested objects deeper than metadata may go (its limit is 4 levels). */
const tooDeep = fc.integer({ min: 5, max: 40 }).map((depth) => {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < depth; i++) value = { nested: value };
  return value;
});

/** One field of an otherwise valid event made invalid, with the field named so a failure says which. */
const corruption: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(fc.constant('kind'), fc.oneof(fc.string().filter((s) => !(EVENT_KINDS as readonly string[]).includes(s)), notAString)),
  fc.tuple(fc.constant('text'), fc.oneof(notAString.filter((x) => typeof x !== 'string'), fc.integer({ min: 32_001, max: 40_000 }).map((n) => 'x'.repeat(n)))),
  fc.tuple(fc.constant('ts'), fc.oneof(fc.double({ noInteger: true }), fc.integer({ max: -1 }), fc.integer({ min: Date.UTC(2200, 0, 2), max: Number.MAX_SAFE_INTEGER }), fc.constant(Number.NaN), fc.constant(Number.POSITIVE_INFINITY), fc.string(), fc.constant(new Date(Number.NaN)))),
  fc.tuple(fc.constant('rating'), fc.oneof(fc.constant(Number.NaN), fc.constant(Number.NEGATIVE_INFINITY), fc.double({ min: 100.5, noNaN: true }), fc.string())),
  fc.tuple(fc.constant('id'), fc.oneof(fc.constant(''), fc.string({ minLength: 201, maxLength: 300 }), fc.string({ maxLength: 5 }).map((s) => `a\u0000${s}`), fc.integer())),
  fc.tuple(fc.constant('url'), fc.oneof(fc.constant('/relative/path'), fc.constant('not a url'), fc.string({ minLength: 2049, maxLength: 2100 }).map((s) => `https://example.org/${s}`), fc.integer())),
  fc.tuple(fc.constant('role'), fc.oneof(fc.constant('admin'), fc.constant(''), notAString)),
  fc.tuple(fc.constant('metadata'), fc.oneof(tooDeep, fc.array(fc.integer()), fc.constant(new Map([['a', 1]])), fc.string(), fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.integer(), { minKeys: 65, maxKeys: 80 }))),
  // strictObject: an unknown field is refused, prototype keys included.
  fc.tuple(fc.constantFrom('__proto__', 'constructor', 'unknownField', 'Kind', 'timestamp'), fc.anything({ maxDepth: 1 })),
);

function corrupt(event: Record<string, unknown>, [field, value]: [string, unknown]): Record<string, unknown> {
  // defineProperty, not assignment, so '__proto__' becomes an own key as it would arriving from JSON.parse.
  const copy: Record<string, unknown> = { ...event };
  Object.defineProperty(copy, field, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

const malformedRecordInput = fc.oneof(
  // Anything at all that is not an event: primitives, arrays of junk, objects with random keys.
  fc.anything({ maxDepth: 3, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true }).filter((x) => !(Array.isArray(x) && x.length === 0)),
  // One corrupted event.
  fc.tuple(validEvent, corruption).map(([event, bad]) => corrupt(event, bad)),
  // A batch of valid events with one corrupted among them: all or nothing.
  fc.tuple(fc.array(validEvent, { minLength: 1, maxLength: 20 }), corruption, fc.nat()).map(([events, bad, at]) => {
    const batch: unknown[] = [...events];
    const index = at % (events.length + 1);
    batch.splice(index, 0, corrupt(events[index % events.length] ?? {}, bad));
    return batch;
  }),
);

describe('record() under fuzzing', () => {
  test(`refuses ${RUNS} malformed inputs with named errors and stores nothing`, { timeout: SLOW }, async () => {
    const count = await store.events.count();
    await fc.assert(
      fc.asyncProperty(malformedRecordInput, async (input) => {
        await expectNamedRefusal(store.record(input as never));
        expect(await store.events.count()).toBe(count);
      }),
      { numRuns: RUNS, seed: 20261126 },
    );
    expect(await dataLines()).toEqual(before);
  });

  test('a batch one event over the limit is refused whole, before anything is written', { timeout: SLOW }, async () => {
    const batch = Array.from({ length: 50_001 }, (_, i) => ({ kind: 'view' as const, text: `v${i}` }));
    await expectNamedRefusal(store.record(batch));
    expect(await dataLines()).toEqual(before);
  });
});

// ── import() ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** The valid export's lines, header first and the end record last. */
const lines = () => validExport.trimEnd().split('\n');
const joined = (parts: readonly string[]) => `${parts.join('\n')}\n`;

/** Values of the wrong type for a field that must hold a string, a number, an array or one of a few words. */
const WRONG: Readonly<Record<'string' | 'number' | 'array' | 'word', readonly unknown[]>> = {
  string: [42, null, {}, ['x']],
  number: ['not-a-number', null, {}, true],
  array: ['not-an-array', 7, null, { length: 1 }],
  word: ['bogus', 3, null, ''],
};
const FIELDS: Readonly<Record<string, readonly [string, keyof typeof WRONG][]>> = {
  event: [['id', 'string'], ['ts', 'number'], ['kind', 'word'], ['text', 'string'], ['recordedAt', 'number'], ['embedState', 'word']],
  memory: [['id', 'string'], ['text', 'string'], ['sourceEventIds', 'array'], ['history', 'array'], ['confidence', 'number']],
  profile: [['preferences', 'array'], ['traits', 'array']],
};

/** A record line made invalid: a wrong type in a field every record of its type must have, or no data at all. */
function corruptRecordLine(line: string, choice: number): string {
  const record = JSON.parse(line) as { type: string; data: Record<string, unknown> };
  const fields = FIELDS[record.type];
  const wrong = (kind: keyof typeof WRONG) => WRONG[kind][Math.floor(choice / 8) % WRONG[kind].length];
  if (!fields) return JSON.stringify({ ...record, data: wrong('string') });
  const [field, kind] = fields[choice % fields.length] ?? ['id', 'string'];
  return JSON.stringify({ ...record, data: { ...record.data, [field]: wrong(kind) } });
}

const malformedFile: fc.Arbitrary<{ kind: string; bytes: string | Uint8Array<ArrayBuffer> }> = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((bytes) => ({ kind: 'random bytes', bytes: new Uint8Array(bytes) })),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 6 }).map((values) => ({ kind: 'random JSON lines', bytes: joined(values.map((v) => JSON.stringify(v))) })),
  fc.nat().map((at) => {
    const all = lines();
    return { kind: 'without its end record', bytes: joined(all.slice(0, 1 + (at % (all.length - 1)))) };
  }),
  fc.nat().map((at) => ({ kind: 'cut mid-line', bytes: validExport.slice(0, at % (validExport.length - 2)) })),
  fc.tuple(fc.nat(), fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0), fc.constantFrom('event', 'memory', 'profile', 'setting')).map(([_, delta, type]) => {
    const all = lines();
    const end = JSON.parse(all[all.length - 1] ?? '{}') as { counts: Record<string, number> };
    end.counts[type] = (end.counts[type] ?? 0) + delta;
    return { kind: `end counts off by ${delta}`, bytes: joined([...all.slice(0, -1), JSON.stringify(end)]) };
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([at, choice]) => {
    const all = lines();
    const index = 1 + (at % (all.length - 2));
    return { kind: `record ${index} corrupted`, bytes: joined(all.map((line, i) => (i === index ? corruptRecordLine(line, choice) : line))) };
  }),
  fc.constantFrom({ version: 2 }, { format: 'something-else' }, { schemaVersion: 9_999 }, { includes: 'yes' }).map((patch) => {
    const [header = '{}', ...rest] = lines();
    return { kind: `header ${JSON.stringify(patch)}`, bytes: joined([JSON.stringify({ ...(JSON.parse(header) as object), ...patch }), ...rest]) };
  }),
  fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })).map(([at, value]) => {
    const all = lines();
    const index = 1 + (at % (all.length - 1));
    return { kind: 'a foreign line inserted', bytes: joined([...all.slice(0, index), JSON.stringify({ type: 'event', data: value }), ...all.slice(index)]) };
  }),
);

describe('import() under fuzzing', () => {
  test('the unmodified export imports (the fuzzing starts from a valid file)', async () => {
    const preview = await store.previewImport(new Blob([validExport]));
    expect(preview).toBeDefined();
    expect(await dataLines()).toEqual(before);
  });

  test(`refuses ${RUNS} malformed files with named errors and changes nothing, in merge and replace mode`, { timeout: SLOW }, async () => {
    const count = await store.events.count();
    const seen = new Map<string, Set<string>>();
    await fc.assert(
      fc.asyncProperty(malformedFile, fc.constantFrom('merge' as const, 'replace' as const), async (file, mode) => {
        const name = await expectNamedRefusal(store.import(new Blob([file.bytes]), { mode }));
        expect(await store.events.count()).toBe(count);
        const family = file.kind.replace(/^(header|record|end counts off by) .*$/, '$1');
        seen.set(family, (seen.get(family) ?? new Set()).add(name));
      }),
      { numRuns: RUNS, seed: 20261126 },
    );
    expect(await dataLines()).toEqual(before);
    // Every family of damage was tried, so the run covered more than the cheapest refusal.
    expect([...seen.keys()].sort()).toEqual(['a foreign line inserted', 'cut mid-line', 'end counts off by', 'header', 'random JSON lines', 'random bytes', 'record', 'without its end record']);
  });
});
