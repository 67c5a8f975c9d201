// The event boundary: every malformed input is refused with the field and the reason, and valid ones normalized.
import { describe, expect, test } from 'vitest';
import { InvalidEventError } from '../../../src/core/errors';
import { DEFAULT_EVENT_LIMITS, validateBatch, validateEvent } from '../../../src/core/event-validation';

const context = { now: Date.UTC(2026, 5, 1), newId: () => 'generated' };

function reject(input: unknown): InvalidEventError {
  try {
    validateEvent(input, 'event', context);
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('validateEvent', () => {
  test('normalizes a minimal event', () => {
    expect(validateEvent({ kind: 'click', text: 'Buy' }, 'event', context)).toMatchObject({
      id: 'generated', ts: context.now, recordedAt: context.now, kind: 'click', text: 'Buy', source: 'app', embedState: 'pending', value: 0,
    });
  });

  test.each([
    [null, 'event', /must be an object/],
    ['text', 'event', /must be an object/],
    [{ text: 'x' }, 'event.kind', /is required/],
    [{ kind: 'bogus', text: 'x' }, 'event.kind', /must be one of/],
    [{ kind: 'note' }, 'event.text', /is required/],
    [{ kind: 'note', text: 5 }, 'event.text', /must be a string/],
    [{ kind: 'note', text: 'x'.repeat(32_001) }, 'event.text', /at most 32000/],
    [{ kind: 'note', text: 'x', id: '' }, 'event.id', /must not be empty/],
    [{ kind: 'note', text: 'x', id: 'a\u0000b' }, 'event.id', /control characters/],
    [{ kind: 'note', text: 'x', ts: -1 }, 'event.ts', /milliseconds/],
    [{ kind: 'note', text: 'x', ts: 1.5 }, 'event.ts', /milliseconds/],
    [{ kind: 'note', text: 'x', ts: 1e16 }, 'event.ts', /milliseconds/],
    [{ kind: 'note', text: 'x', ts: new Date('nope') }, 'event.ts', /valid Date/],
    [{ kind: 'rating', text: 'x', rating: Number.NaN }, 'event.rating', /./],
    [{ kind: 'rating', text: 'x', rating: 1e9 }, 'event.rating', /./],
    [{ kind: 'view', text: 'x', url: 'not a url' }, 'event.url', /absolute URL/],
    [{ kind: 'message', text: 'x', role: 'robot' }, 'event.role', /user, assistant, system/],
    [{ kind: 'note', text: 'x', colour: 'red' }, 'event.colour', /not a known event field/],
    [{ kind: 'note', text: 'x', metadata: [1, 2] }, 'event.metadata', /plain object/],
    [{ kind: 'note', text: 'x', metadata: { a: { b: { c: { d: { e: 1 } } } } } }, 'event.metadata.a.b.c.d', /deeper than 4/],
    [{ kind: 'note', text: 'x', metadata: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])) }, 'event.metadata', /more than 64 fields/],
    [{ kind: 'note', text: 'x', metadata: { big: 'y'.repeat(2_001) } }, 'event.metadata.big', /2001 characters/],
    [{ kind: 'note', text: 'x', metadata: { when: new Date() } }, 'event.metadata.when', /plain object/],
    [{ kind: 'note', text: 'x', metadata: { inf: Number.POSITIVE_INFINITY } }, 'event.metadata.inf', /finite/],
    [{ kind: 'note', text: 'x', metadata: { f: () => 1 } }, 'event.metadata.f', /not JSON/],
  ])('refuses %j at %s', (input, field, reason) => {
    const error = reject(input);
    expect(error.field).toBe(field);
    expect(error.reason).toMatch(reason);
    expect(error.message).toContain('Nothing was recorded');
  });

  test('copies metadata so later changes by the caller cannot reach the stored event', () => {
    const metadata = { tags: ['a'] };
    const event = validateEvent({ kind: 'note', text: 'x', metadata }, 'event', context);
    metadata.tags.push('b');
    expect(event.metadata).toEqual({ tags: ['a'] });
  });

  test('limits are configurable', () => {
    const limits = { ...DEFAULT_EVENT_LIMITS, maxTextLength: 3 };
    expect(() => validateEvent({ kind: 'note', text: 'four' }, 'e', { ...context, limits })).toThrow(/at most 3 characters/);
  });
});

describe('validateBatch', () => {
  test('names the index of the bad event and bounds the batch size', () => {
    expect(() => validateBatch([{ kind: 'note', text: 'ok' }, { kind: 'note' }], context)).toThrow(/events\[1\]\.text/);
    const limits = { ...DEFAULT_EVENT_LIMITS, maxBatchSize: 2 };
    expect(() => validateBatch([{}, {}, {}], { ...context, limits })).toThrow(/at most 2/);
  });

  test('a hole in a sparse array is a missing event, not a skipped one (found by fuzzing)', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(() => validateBatch([{ kind: 'note', text: 'ok' }, , { kind: 'note', text: 'ok too' }], context)).toThrow(InvalidEventError);
    expect(() => validateBatch(new Array(1), context)).toThrow(/events\[0\]/);
  });
});

test('every named error carries its name as a literal, so minified builds keep it', async () => {
  const errors = await import('../../../src/core/errors');
  for (const [exported, value] of Object.entries(errors)) {
    const constructed = Reflect.construct(value as new (...args: unknown[]) => Error, ['x', 'y']);
    expect(constructed.name, exported).toBe(exported);
    expect(constructed).toBeInstanceOf(errors.PersonaError);
  }
});

test('every named error is registered by its name, so it crosses a worker boundary as itself', async () => {
  const errors = await import('../../../src/core/errors');
  const { NAMED_ERRORS } = await import('../../../src/core/named-errors');
  expect(Object.keys(NAMED_ERRORS).sort()).toEqual(Object.keys(errors).sort());
  for (const [name, value] of Object.entries(errors)) expect(NAMED_ERRORS[name]).toBe(value);
});
