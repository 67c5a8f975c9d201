import { expect, test } from 'vitest';
import { hitRate, ndcg, rankOfTest } from '../../../src/core/ranking-metrics';

test('rank counts the candidates scored above the test item', () => {
  expect(rankOfTest([0.9, 0.1, 0.2, 0.3], 0)).toBe(0);
  expect(rankOfTest([0.1, 0.9, 0.2, 0.3], 0)).toBe(3);
  expect(rankOfTest([0.5, 0.9, 0.2, 0.7], 0)).toBe(2);
  expect(rankOfTest(new Float64Array([3, 1, 2]), 2)).toBe(1);
  expect(rankOfTest(new Float32Array([5]), 0)).toBe(0);
});

test('ties count against the test item', () => {
  // Two others equal to the test's score and one above: all three beat it.
  expect(rankOfTest([0.5, 0.5, 0.5, 0.9, 0.1], 0)).toBe(3);
  // A constant scorer puts the test item last.
  expect(rankOfTest(new Float64Array(101), 0)).toBe(100);
  expect(rankOfTest([1, 1], 1)).toBe(1);
});

test('a NaN test score ranks last; NaN elsewhere does not beat the test item', () => {
  expect(rankOfTest([Number.NaN, 0, 1], 0)).toBe(2);
  expect(rankOfTest([0.5, Number.NaN, 0.1], 0)).toBe(0);
});

test('rejects a test index outside the scores', () => {
  expect(() => rankOfTest([1, 2], 2)).toThrow(RangeError);
  expect(() => rankOfTest([1, 2], -1)).toThrow(RangeError);
  expect(() => rankOfTest([], 0)).toThrow(RangeError);
});

test('hit rate is 1 inside the top k and 0 outside', () => {
  expect(hitRate(0, 10)).toBe(1);
  expect(hitRate(9, 10)).toBe(1);
  expect(hitRate(10, 10)).toBe(0);
  expect(hitRate(0, 1)).toBe(1);
  expect(hitRate(1, 1)).toBe(0);
});

test('ndcg is 1/log2(rank+2) inside the top k, by hand', () => {
  expect(ndcg(0, 10)).toBe(1);
  expect(ndcg(1, 10)).toBeCloseTo(1 / Math.log2(3), 12); // 0.6309…
  expect(ndcg(2, 10)).toBeCloseTo(0.5, 12); // log2(4) = 2
  expect(ndcg(6, 10)).toBeCloseTo(1 / 3, 12); // log2(8) = 3
  expect(ndcg(9, 10)).toBeCloseTo(1 / Math.log2(11), 12);
  expect(ndcg(10, 10)).toBe(0);
  expect(ndcg(100, 10)).toBe(0);
});

test('metrics reject bad ranks and cut-offs', () => {
  expect(() => ndcg(-1, 10)).toThrow(RangeError);
  expect(() => hitRate(0.5, 10)).toThrow(RangeError);
  expect(() => ndcg(0, 0)).toThrow(RangeError);
});

test('tied scores end to end: the tie pushes the test item out of the top 1', () => {
  const rank = rankOfTest([0.8, 0.8, 0.1], 0);
  expect(rank).toBe(1);
  expect(hitRate(rank, 1)).toBe(0);
  expect(ndcg(rank, 10)).toBeCloseTo(1 / Math.log2(3), 12);
});
