// The isolated widget's message protocol: what the frame accepts from a host page, and what it refuses by name.
// Every refusal is a WidgetMessageError naming the offending part; events are checked by the engine afterwards.
import { describe, expect, test } from 'vitest';
import { WidgetMessageError } from '../../../src/core/errors';
import { RANK_HISTORY } from '../../../src/engine/persona-engine';
import { RANKED_HISTORY } from '../../../src/widget/isolated/frame-bridge';
import { isFrameMessage, MAX_RANK_ITEMS, MAX_TRACK_BATCH, parseRequest, readableId } from '../../../src/widget/isolated/protocol';

const request = (method: string, args: unknown[], extra: Record<string, unknown> = {}) => ({ persona: 1, id: 'r-1', method, args, ...extra });

function refusal(data: unknown): WidgetMessageError {
  try {
    parseRequest(data);
  } catch (error) {
    expect(error).toBeInstanceOf(WidgetMessageError);
    return error as WidgetMessageError;
  }
  throw new Error(`accepted ${JSON.stringify(data)}`);
}

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { inner: value };
  return value;
}

describe('parseRequest accepts', () => {
  test('each method with its arguments', () => {
    expect(parseRequest(request('hello', []))).toEqual({ id: 'r-1', method: 'hello', args: [] });
    expect(parseRequest(request('track', [{ kind: 'view', text: 'Pasta recipe', itemId: 'pasta' }])).args).toEqual([{ kind: 'view', text: 'Pasta recipe', itemId: 'pasta' }]);
    expect(parseRequest(request('track', [[{ kind: 'view', text: 'a' }, { kind: 'click', text: 'b' }]])).args[0]).toHaveLength(2);
    const items = [{ id: 'a', text: 'Apple pie', popularity: 0.2, features: ['dessert'], factor: [0.1, -0.2], metadata: { price: 3 } }, { id: 'b' }];
    expect(parseRequest(request('rank', [items, { limit: 1, diversity: 0.5 }])).args).toEqual([items, { limit: 1, diversity: 0.5 }]);
    expect(parseRequest(request('rank', [[]])).args[0]).toEqual([]);
    expect(parseRequest(request('ask', ['What should I cook?'])).args).toEqual(['What should I cook?']);
    expect(parseRequest(request('cancel', ['r-0'])).args).toEqual(['r-0']);
  });
});

describe('parseRequest refuses', () => {
  test.each([
    ['a string', 'track', 'message'],
    ['null', null, 'message'],
    ['an array', [1, 2], 'message'],
    ['another protocol version', { ...request('hello', []), persona: 2 }, 'message.persona'],
    ['no version', { id: 'r', method: 'hello', args: [] }, 'message.persona'],
    ['an unknown method', request('export', []), 'message.method'],
    ['a prototype method name', request('constructor', []), 'message.method'],
    ['an empty id', { ...request('hello', []), id: '' }, 'message.id'],
    ['an id with spaces', { ...request('hello', []), id: 'a b' }, 'message.id'],
    ['a numeric id', { ...request('hello', []), id: 7 }, 'message.id'],
    ['an unknown envelope key', request('hello', [], { origin: 'x' }), 'message.origin'],
    ['args that are not a list', { ...request('hello', []), args: {} }, 'message.args'],
    ['hello with arguments', request('hello', [1]), 'message.args.0'],
    ['track with no event', request('track', []), 'message.args.0'],
    ['track with an empty list', request('track', [[]]), 'message.args.0'],
    ['track with a non-object', request('track', [['view']]), 'message.args.0'],
    ['track with a Date timestamp', request('track', [{ kind: 'view', text: 'a', ts: new Date() }]), 'message.args[0].ts'],
    ['rank with items not a list', request('rank', [{ id: 'a' }]), 'message.args.0'],
    ['rank with an item without id', request('rank', [[{ text: 'x' }]]), 'message.args.0.0.id'],
    ['rank with an unknown item key', request('rank', [[{ id: 'a', score: 1 }]]), 'message.args.0.0.score'],
    ['rank with repeated ids', request('rank', [[{ id: 'a' }, { id: 'a' }]]), 'message.args.0.1.id'],
    ['rank with a negative popularity', request('rank', [[{ id: 'a', popularity: -1 }]]), 'message.args.0.0.popularity'],
    ['rank with a NaN factor', request('rank', [[{ id: 'a', factor: [Number.NaN] }]]), 'message.args[0][0].factor[0]'],
    ['rank with a typed-array factor', request('rank', [[{ id: 'a', factor: new Float32Array(2) }]]), 'message.args[0][0].factor'],
    ['rank with too deep item metadata', request('rank', [[{ id: 'a', metadata: nested(5) as Record<string, unknown> }]]), 'message.args.0.0.metadata.inner.inner.inner.inner'],
    ['rank with a limit of 0', request('rank', [[], { limit: 0 }]), 'message.args.1.limit'],
    ['rank with a diversity over 1', request('rank', [[], { diversity: 1.5 }]), 'message.args.1.diversity'],
    ['rank with an unknown option', request('rank', [[], { weights: {} }]), 'message.args.1.weights'],
    ['ask with a blank prompt', request('ask', ['  \n ']), 'message.args.0'],
    ['ask with a number', request('ask', [42]), 'message.args.0'],
    ['ask with options', request('ask', ['hi', { maxTokens: 1e9 }]), 'message.args.1'],
    ['cancel of no id', request('cancel', []), 'message.args.0'],
    ['a Blob', request('track', [new Blob(['x'])]), 'message.args[0]'],
    ['a Map', request('hello', [new Map()]), 'message.args[0]'],
  ])('%s', (_what, data, field) => {
    expect(refusal(data).field).toBe(field);
  });

  test('oversized fields, deep nesting and huge lists, before any schema walks them', () => {
    expect(refusal(request('ask', ['x'.repeat(8_001)])).field).toBe('message.args.0');
    expect(refusal(request('ask', ['x'.repeat(100_000)])).field).toBe('message.args[0]');
    expect(refusal(request('track', [nested(20)])).reason).toMatch(/nests deeper than 10 levels/);
    expect(refusal(request('track', [nested(100_000)])).reason).toMatch(/nests deeper/);
    expect(refusal(request('track', [new Array(300_000).fill(0)])).reason).toMatch(/more than 200000 fields/);
    const batch = Array.from({ length: MAX_TRACK_BATCH + 1 }, () => ({ kind: 'view', text: 'a' }));
    expect(refusal(request('track', [batch])).reason).toMatch(/at most 1000 events/);
    const items = Array.from({ length: MAX_RANK_ITEMS + 1 }, (_, i) => ({ id: `i${i}` }));
    expect(refusal(request('rank', [items])).reason).toMatch(/at most 1000 items/);
  });

  test('holes in a list', () => {
    // eslint-disable-next-line no-sparse-arrays -- the point of the test
    expect(refusal(request('track', [[{ kind: 'view', text: 'a' }, , { kind: 'view', text: 'b' }]])).field).toMatch(/^message\.args\.0/);
    expect(refusal({ ...request('hello', []), args: new Array(1) }).field).toBe('message.args.0');
  });

  test('an own __proto__ key, as JSON.parse makes one', () => {
    const data = JSON.parse('{"persona":1,"id":"r","method":"hello","args":[],"__proto__":{"polluted":true}}') as unknown;
    expect(refusal(data).field).toBe('message.__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

test('readableId finds a well-formed id even in a refused request, and nothing else', () => {
  expect(readableId({ id: 'abc-1', method: 'nope' })).toBe('abc-1');
  expect(readableId({ id: '<script>' })).toBeNull();
  expect(readableId('abc')).toBeNull();
  expect(readableId(null)).toBeNull();
});

test('isFrameMessage recognises the frame replies and nothing else', () => {
  expect(isFrameMessage({ persona: 1, id: 'a', type: 'token', piece: 'Hi' })).toBe(true);
  expect(isFrameMessage({ persona: 1, id: 'a', type: 'result', value: null })).toBe(true);
  expect(isFrameMessage({ persona: 1, id: null, type: 'error', error: { name: 'WidgetMessageError', message: 'x' } })).toBe(true);
  expect(isFrameMessage({ persona: 1, id: 'a', type: 'result' })).toBe(false);
  expect(isFrameMessage({ persona: 2, id: 'a', type: 'token', piece: 'Hi' })).toBe(false);
  expect(isFrameMessage({ persona: 1, id: null, type: 'token', piece: 'Hi' })).toBe(false);
  expect(isFrameMessage({ persona: 1, id: 'a', type: 'error', error: 'boom' })).toBe(false);
  expect(isFrameMessage('{"persona":1}')).toBe(false);
});

test("the bridge scans as many of a host's events as rank() reads (it cannot import the engine's constant)", () => {
  expect(RANKED_HISTORY).toBe(RANK_HISTORY);
});
