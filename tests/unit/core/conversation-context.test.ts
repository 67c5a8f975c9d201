// A message's vector mixes in the exchange before it: each part as a unit vector, weighted, the sum normalised.
import { describe, expect, test } from 'vitest';
import { CONTEXT_WEIGHTS, canBeContext, mixContext, takesContext } from '../../../src/core/conversation-context';

const pool = Float32Array.of(
  3, 0, 0, // row 0: along x, norm 3
  0, 0.5, 0, // row 1: along y, norm 0.5
  0, 0, 10, // row 2: along z, norm 10
  0, 0, 0, // row 3: zero (e.g. a text of unknown words)
);

describe('mixContext', () => {
  test('without context a row is its own direction, normalised', () => {
    expect([...mixContext(pool, 3, [{ own: 0, context: [] }])]).toEqual([1, 0, 0]);
  });

  test('context rows add their unit vectors at their weights, nearest first, whatever their norms', () => {
    const [x, y, z] = mixContext(pool, 3, [{ own: 0, context: [1, 2] }], [0.5, 0.25]);
    const norm = Math.hypot(1, 0.5, 0.25);
    expect(x).toBeCloseTo(1 / norm, 6);
    expect(y).toBeCloseTo(0.5 / norm, 6);
    expect(z).toBeCloseTo(0.25 / norm, 6);
  });

  test('the default weights give the exchange before a message half the weight of the message each', () => {
    expect(CONTEXT_WEIGHTS).toEqual([0.5, 0.5]);
    const [x, y, z] = mixContext(pool, 3, [{ own: 2, context: [0, 1] }]);
    expect(z).toBeCloseTo(1 / Math.hypot(1, 0.5, 0.5), 6);
    expect(x).toBeCloseTo(y ?? Number.NaN, 6);
  });

  test('a zero row adds nothing and never makes NaN; rows are independent', () => {
    const out = mixContext(pool, 3, [{ own: 3, context: [] }, { own: 1, context: [3] }, { own: 3, context: [2] }]);
    expect([...out.subarray(0, 3)]).toEqual([0, 0, 0]);
    expect([...out.subarray(3, 6)]).toEqual([0, 1, 0]);
    expect(out[8]).toBeCloseTo(1, 6);
    expect(out.every(Number.isFinite)).toBe(true);
  });
});

test('only messages of a conversation take context, and only messages with text give it', () => {
  expect(takesContext({ kind: 'message', sessionId: 's' })).toBe(true);
  expect(takesContext({ kind: 'message' })).toBe(false);
  expect(takesContext({ kind: 'note', sessionId: 's' })).toBe(false);
  expect(canBeContext({ kind: 'message', text: 'hello' })).toBe(true);
  expect(canBeContext({ kind: 'message', text: '  ' })).toBe(false);
  expect(canBeContext({ kind: 'click', text: 'a link' })).toBe(false);
});
