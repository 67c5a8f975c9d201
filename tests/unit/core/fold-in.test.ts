import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors';
import { MAX_FOLD_IN_DIMENSION, foldInUserFactor, foldInUserFactorBpr, itemGram, solveSymmetricPositiveDefinite, type FoldInObservation } from '../../../src/core/fold-in';
import { seededRandom } from '../../support/seeded-random';

// The project's seeded generator, so the synthetic data is the same on every run.
const random = seededRandom;

const gaussian = (rand: () => number) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const randomVector = (rand: () => number, d: number) => Float32Array.from({ length: d }, () => gaussian(rand));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * (b[i] as number), 0);
const norm = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));

/** Observations r = u·v (+ noise) for a known u. */
function synthetic(seed: number, d: number, count: number, noise: number) {
  const rand = random(seed);
  const u = Float64Array.from({ length: d }, () => gaussian(rand));
  const observations: FoldInObservation[] = Array.from({ length: count }, () => {
    const itemFactor = randomVector(rand, d);
    return { itemFactor, rating: dot(u, itemFactor) + noise * gaussian(rand) };
  });
  return { u, observations };
}

describe('foldInUserFactor (explicit ridge)', () => {
  test('recovers a known user factor from synthetic ratings r = u·v + noise', () => {
    const { u, observations } = synthetic(1, 16, 300, 0.01);
    const solved = foldInUserFactor(observations, { lambda: 1e-3 });
    expect(solved).toHaveLength(16);
    for (let i = 0; i < 16; i++) expect(Math.abs((solved[i] as number) - (u[i] as number))).toBeLessThan(0.01);
  });

  test('recovers it exactly (to float precision) without noise, in 64 dimensions', () => {
    const { u, observations } = synthetic(2, 64, 400, 0);
    const solved = foldInUserFactor(observations, { lambda: 1e-8 });
    for (let i = 0; i < 64; i++) expect(solved[i]).toBeCloseTo(u[i] as number, 4);
  });

  test('λ shrinks the factor toward 0 when there are few observations, and matters little when there are many', () => {
    const few = synthetic(3, 8, 3, 0).observations;
    const sizes = [0.01, 1, 10, 1000].map((lambda) => norm(foldInUserFactor(few, { lambda })));
    for (let k = 1; k < sizes.length; k++) expect(sizes[k]).toBeLessThan(sizes[k - 1] as number);
    expect(sizes[3]).toBeLessThan(0.05 * (sizes[0] as number));

    const { u, observations: many } = synthetic(3, 8, 2000, 0);
    const solved = foldInUserFactor(many, { lambda: 1 });
    expect(norm(solved) / norm(u)).toBeGreaterThan(0.99);
  });

  test('no observations → the prior alone (an empty factor)', () => {
    expect(foldInUserFactor([])).toEqual(new Float64Array(0));
  });

  test('confidence weights: a zero-weight observation is ignored, a heavy one is fitted more closely', () => {
    const { observations } = synthetic(4, 6, 20, 0.5);
    const outlier: FoldInObservation = { itemFactor: Float32Array.of(1, 0, 0, 0, 0, 0), rating: 50 };
    const without = foldInUserFactor(observations);
    expect(foldInUserFactor([...observations, { ...outlier, weight: 0 }])).toEqual(without);
    const light = foldInUserFactor([...observations, { ...outlier, weight: 1 }]);
    const heavy = foldInUserFactor([...observations, { ...outlier, weight: 100 }]);
    expect(Math.abs(50 - (heavy[0] as number))).toBeLessThan(Math.abs(50 - (light[0] as number)));
  });

  test('is deterministic: the same input gives bit-identical factors', () => {
    const { observations } = synthetic(5, 32, 100, 0.1);
    expect(foldInUserFactor(observations)).toEqual(foldInUserFactor(observations));
  });
});

describe('foldInUserFactor (implicit, Hu–Koren–Volinsky)', () => {
  test('with the catalogue Gram it equals the explicit solve over every item (p = 0, c = 1 for the unobserved)', () => {
    const rand = random(6);
    const d = 10;
    const catalogue = Array.from({ length: 60 }, () => randomVector(rand, d));
    const seen = new Map<number, number>([
      [3, 2],
      [7, 1],
      [11, 5],
      [40, 0.5],
    ]);
    const alpha = 10;
    const implicit = foldInUserFactor(
      [...seen].map(([i, w]) => ({ itemFactor: catalogue[i] as Float32Array, weight: w })),
      { mode: 'implicit', alpha, itemGram: itemGram(catalogue), lambda: 0.5 },
    );
    const explicit = foldInUserFactor(
      catalogue.map((itemFactor, i) => {
        const w = seen.get(i);
        return w === undefined ? { itemFactor, rating: 0, weight: 1 } : { itemFactor, rating: 1, weight: 1 + alpha * w };
      }),
      { lambda: 0.5 },
    );
    for (let i = 0; i < d; i++) expect(implicit[i]).toBeCloseTo(explicit[i] as number, 9);
  });

  test('points toward the items the user engaged with', () => {
    const rand = random(7);
    const d = 6;
    const catalogue = Array.from({ length: 50 }, () => randomVector(rand, d));
    const liked = Float32Array.of(3, 0, 0, 0, 0, 0);
    const u = foldInUserFactor([{ itemFactor: liked, weight: 5 }], { mode: 'implicit', itemGram: itemGram(catalogue) });
    expect(dot(u, liked)).toBeGreaterThan(0.5);
    const unseen = catalogue.map((v) => dot(u, v));
    expect(Math.max(...unseen)).toBeLessThan(dot(u, liked));
  });
});

describe('named errors', () => {
  const v2 = Float32Array.of(1, 0);
  test.each<[string, () => unknown]>([
    ['a dimension mismatch', () => foldInUserFactor([{ itemFactor: v2 }, { itemFactor: Float32Array.of(1, 0, 0) }])],
    ['a NaN in a factor', () => foldInUserFactor([{ itemFactor: Float32Array.of(1, Number.NaN) }])],
    ['a NaN rating', () => foldInUserFactor([{ itemFactor: v2, rating: Number.NaN }])],
    ['a negative weight', () => foldInUserFactor([{ itemFactor: v2, weight: -1 }])],
    ['λ ≤ 0', () => foldInUserFactor([{ itemFactor: v2 }], { lambda: 0 })],
    ['a Gram of the wrong size', () => foldInUserFactor([{ itemFactor: v2 }], { mode: 'implicit', itemGram: new Float64Array(9) })],
    ['a factor past the supported dimension', () => foldInUserFactor([{ itemFactor: new Float32Array(MAX_FOLD_IN_DIMENSION + 1) }])],
    ['mismatched factors in itemGram', () => itemGram([v2, Float32Array.of(1)])],
  ])('%s → InvalidInputError', (_, run) => {
    expect(run).toThrow(InvalidInputError);
  });
});

describe('solveSymmetricPositiveDefinite', () => {
  test('solves a known system', () => {
    // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]], x = [1, −2, 3] → b = A x = [0, −5, 7].
    const a = Float64Array.of(4, 2, 0, 2, 5, 1, 0, 1, 3);
    const x = solveSymmetricPositiveDefinite(a, [0, -5, 7], 3);
    expect(Array.from(x).map((v) => Number(v.toFixed(12)))).toEqual([1, -2, 3]);
  });

  test('rejects a matrix that is not positive definite', () => {
    expect(() => solveSymmetricPositiveDefinite(Float64Array.of(1, 2, 2, 1), [1, 1], 2)).toThrow(InvalidInputError);
  });
});

describe('foldInUserFactorBpr (pairwise SGD against fixed item factors)', () => {
  // Items whose factor points along a known user factor are the user's; the rest are not. BPR should recover a factor
  // whose direction matches the known one, and rank unseen items of the same kind above the others.
  function world(seed: number, d: number) {
    const rand = random(seed);
    const u = Float64Array.from({ length: d }, () => gaussian(rand));
    const items = Array.from({ length: 600 }, () => randomVector(rand, d));
    const liked = items.filter((v) => dot(u, v) > 1);
    const others = items.filter((v) => dot(u, v) <= 1);
    return { u, liked, others };
  }

  test('recovers the direction of a known user factor', () => {
    const { u, liked, others } = world(11, 8);
    const positives = liked.slice(0, 60).map((itemFactor) => ({ itemFactor }));
    const solved = foldInUserFactorBpr(positives, others.slice(0, 200), { epochs: 200, seed: 3 });
    expect(dot(solved, u) / (norm(solved) * norm(u))).toBeGreaterThan(0.9);
    // Held-out items of the user's kind score above held-out others.
    const mean = (vs: Float32Array[]) => vs.reduce((s, v) => s + dot(solved, v), 0) / vs.length;
    expect(mean(liked.slice(60))).toBeGreaterThan(mean(others.slice(200)));
  });

  test('is deterministic for a seed, and returns zeros without positives or negatives', () => {
    const { liked, others } = world(12, 4);
    const positives = liked.slice(0, 10).map((itemFactor) => ({ itemFactor }));
    expect(foldInUserFactorBpr(positives, others, { seed: 5 })).toEqual(foldInUserFactorBpr(positives, others, { seed: 5 }));
    expect([...foldInUserFactorBpr(positives, [])]).toEqual([0, 0, 0, 0]);
    expect(foldInUserFactorBpr([], others)).toHaveLength(0);
  });

  test('rejects bad input', () => {
    const v = Float32Array.from([1, 0]);
    expect(() => foldInUserFactorBpr([{ itemFactor: v }], [Float32Array.from([1])])).toThrow(InvalidInputError);
    expect(() => foldInUserFactorBpr([{ itemFactor: v, weight: -1 }], [v])).toThrow(InvalidInputError);
    expect(() => foldInUserFactorBpr([{ itemFactor: v }], [v], { epochs: 1.5 })).toThrow(InvalidInputError);
    expect(() => foldInUserFactorBpr([{ itemFactor: v }], [v], { learningRate: 0 })).toThrow(InvalidInputError);
  });
});
