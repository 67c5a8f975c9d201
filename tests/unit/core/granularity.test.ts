import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors';
import {
  describeWeights,
  granularityWeights,
  mixPreferences,
  mixScores,
  mixVectors,
  shrinkage,
  type GranularityWeight,
  type PersonaDefinition,
} from '../../../src/core/granularity';

const total = (weights: readonly GranularityWeight[]) => weights.reduce((sum, w) => sum + w.weight, 0);
const weightOf = (weights: readonly GranularityWeight[], id: string) => weights.find((w) => w.id === id)?.weight ?? 0;

const homeCook: PersonaDefinition<number> = { id: 'home-cook', label: 'home cook', centroid: [1, 0, 0], prior: 0.9 };
const gamer: PersonaDefinition<number> = { id: 'gamer', centroid: [0, 1, 0], prior: 0.1 };

describe('shrinkage', () => {
  test('is n / (n + k): 0 with no history, ½ at n = k, → 1 as history grows', () => {
    expect(shrinkage(0, 10)).toBe(0);
    expect(shrinkage(10, 10)).toBe(0.5);
    expect(shrinkage(30, 10)).toBe(0.75);
    expect(shrinkage(1e6, 10)).toBeGreaterThan(0.9999);
    expect(shrinkage(2.5, 2.5)).toBe(0.5);
  });

  test('rejects a negative or non-finite n and a non-positive k', () => {
    expect(() => shrinkage(-1, 10)).toThrow(InvalidInputError);
    expect(() => shrinkage(Number.NaN, 10)).toThrow(InvalidInputError);
    expect(() => shrinkage(1, 0)).toThrow(InvalidInputError);
  });
});

describe('granularityWeights', () => {
  test('goes from persona/global-dominated at n = 0 to user-dominated at large n; weights always sum to 1', () => {
    let previousUser = -1;
    for (const n of [0, 1, 5, 10, 50, 1_000]) {
      const { weights, shrinkage: s } = granularityWeights({ user: { n, value: 0.2, vector: [0.9, 0.1, 0] }, personas: [homeCook, gamer], global: 0.5 }, { k: 10 });
      expect(total(weights)).toBeCloseTo(1, 12);
      const user = weightOf(weights, 'user');
      expect(user).toBeCloseTo(s, 12);
      expect(user).toBeGreaterThan(previousUser);
      previousUser = user;
      if (n === 0) {
        expect(user).toBe(0);
        // All of it is prior, most of the persona mass on the closer persona.
        expect(weights.map((w) => w.id)).toEqual(['home-cook', 'gamer', 'global']);
        expect(weightOf(weights, 'home-cook')).toBeGreaterThan(0.7);
      }
      if (n === 1_000) expect(user).toBeGreaterThan(0.99);
    }
  });

  test('splits the prior between the matched persona (by its trust) and the global default', () => {
    const { weights } = granularityWeights(
      { user: { n: 30, value: 0.2, vector: [1, 0, 0] }, personas: [homeCook, gamer], global: 0.5 },
      { k: 10, assignment: 'hard', personaTrust: 0.8 },
    );
    expect(weights.map((w) => w.id)).toEqual(['user', 'home-cook', 'global']);
    expect(weightOf(weights, 'user')).toBeCloseTo(0.75, 12);
    expect(weightOf(weights, 'home-cook')).toBeCloseTo(0.25 * 0.8, 12);
    expect(weightOf(weights, 'global')).toBeCloseTo(0.25 * 0.2, 12);
    expect(weights[1]?.similarity).toBeCloseTo(1, 12);
    expect(describeWeights(weights)).toBe("75% you, 20% persona 'home cook', 5% global");
  });

  test('the persona follows the similarity of the user’s profile vector to each centroid', () => {
    const personas = [homeCook, gamer];
    const cookish = granularityWeights({ user: { n: 0, vector: [0.9, 0.2, 0.1] }, personas, global: 0.5 }, { assignment: 'hard' });
    const gamerish = granularityWeights({ user: { n: 0, vector: [0.1, 0.8, 0.3] }, personas, global: 0.5 }, { assignment: 'hard' });
    expect(cookish.weights.find((w) => w.level === 'persona')?.id).toBe('home-cook');
    expect(gamerish.weights.find((w) => w.level === 'persona')?.id).toBe('gamer');

    // Soft assignment: the closer persona takes most of the persona mass, and the share sharpens as the temperature falls.
    const vector = [0.8, 0.5, 0];
    const warm = granularityWeights({ user: { n: 0, vector }, personas, global: 0.5 }, { temperature: 1 });
    const cold = granularityWeights({ user: { n: 0, vector }, personas, global: 0.5 }, { temperature: 0.05 });
    expect(weightOf(warm.weights, 'home-cook')).toBeGreaterThan(weightOf(warm.weights, 'gamer'));
    expect(weightOf(cold.weights, 'home-cook') / weightOf(cold.weights, 'gamer')).toBeGreaterThan(weightOf(warm.weights, 'home-cook') / weightOf(warm.weights, 'gamer'));
    expect(total(warm.weights)).toBeCloseTo(1, 12);
    expect(total(cold.weights)).toBeCloseTo(1, 12);
  });

  test('a persona the host names is used without matching; an unknown name is refused', () => {
    const { weights } = granularityWeights({ user: { n: 0 }, personas: [homeCook, gamer], personaId: 'gamer', global: 0.5 });
    expect(weights.map((w) => [w.id, w.weight])).toEqual([
      ['gamer', 0.8],
      ['global', expect.closeTo(0.2, 12) as unknown as number],
    ]);
    expect(() => granularityWeights({ user: { n: 0 }, personas: [homeCook], personaId: 'nobody', global: 0.5 })).toThrow(InvalidInputError);
  });

  test('cold start: no personas, no profile vector, or no similar persona → the global default', () => {
    expect(granularityWeights({ user: { n: 0, value: 0.3 }, global: 0.5 }).weights.map((w) => [w.id, w.weight])).toEqual([['global', 1]]);
    expect(granularityWeights({ user: { n: 0 }, personas: [homeCook], global: 0.5 }).weights.map((w) => w.id)).toEqual(['global']);
    const opposite = granularityWeights({ user: { n: 0, vector: [-1, -1, 0] }, personas: [homeCook, gamer], global: 0.5 });
    expect(opposite.weights.map((w) => w.id)).toEqual(['global']);
    expect(mixScores({ user: { n: 0 }, global: 0.5 }).value).toBe(0.5);
  });

  test('a level with no value gives its share back to the others', () => {
    // No global default: user and persona share everything.
    const noGlobal = granularityWeights({ user: { n: 10, value: 0.2, vector: [1, 0, 0] }, personas: [homeCook] }, { k: 10 });
    expect(total(noGlobal.weights)).toBeCloseTo(1, 12);
    expect(weightOf(noGlobal.weights, 'user')).toBeCloseTo(0.5 / (0.5 + 0.5 * 0.8), 12);
    // Only the user's own estimate: it stands alone, even at n = 0.
    expect(granularityWeights({ user: { n: 0, value: 0.2 } }).weights.map((w) => [w.id, w.weight])).toEqual([['user', 1]]);
    expect(() => granularityWeights({ user: { n: 3 } })).toThrow(InvalidInputError);
  });

  test('describes the mix in whole percentages that sum to 100', () => {
    const { weights } = granularityWeights({ user: { n: 7, value: 1, vector: [1, 0, 0] }, personas: [homeCook], global: 0 }, { k: 3 });
    const text = describeWeights(weights);
    const percentages = [...text.matchAll(/(\d+)%/g)].map((m) => Number(m[1]));
    expect(percentages.reduce((a, b) => a + b, 0)).toBe(100);
    expect(text).toBe("70% you, 24% persona 'home cook', 6% global");
  });
});

describe('mixers', () => {
  test('mixScores: the weighted sum of each level’s score', () => {
    const mix = mixScores({ user: { n: 10, value: 0, vector: [1, 0, 0] }, personas: [homeCook], global: 1 }, { k: 10 });
    // 0.5 × 0 + 0.4 × 0.9 + 0.1 × 1
    expect(mix.value).toBeCloseTo(0.46, 12);
  });

  test('mixPreferences: key by key, a key a level lacks mixed from the levels that have it', () => {
    const personas: PersonaDefinition<Record<string, number>>[] = [{ id: 'home-cook', centroid: [1, 0], prior: { spicy: 0.8, vegan: 0.4 } }];
    const mix = mixPreferences(
      { user: { n: 10, value: { spicy: 0 }, vector: [1, 0] }, personas, global: { spicy: 0.5, vegan: 0.1, brief: 0.7 } },
      { k: 10, assignment: 'hard' },
    );
    expect(total(mix.weights)).toBeCloseTo(1, 12);
    // spicy: all three levels (0.5, 0.4, 0.1).
    expect(mix.value.spicy).toBeCloseTo(0.5 * 0 + 0.4 * 0.8 + 0.1 * 0.5, 12);
    // vegan: the user is silent, so persona and global share it 0.4 : 0.1.
    expect(mix.value.vegan).toBeCloseTo((0.4 * 0.4 + 0.1 * 0.1) / 0.5, 12);
    expect(mix.value.brief).toBeCloseTo(0.7, 12);
  });

  test('mixVectors: the weighted sum of profile vectors, dimension checked', () => {
    const personas: PersonaDefinition<number[]>[] = [{ id: 'p', centroid: [1, 0], prior: [1, 0] }];
    const mix = mixVectors({ user: { n: 30, value: [0, 1], vector: [1, 1] }, personas, global: [0, 0] }, { k: 10, assignment: 'hard' });
    expect(Array.from(mix.value)).toEqual([expect.closeTo(0.2, 12), expect.closeTo(0.75, 12)]);
    expect(() => mixVectors({ user: { n: 30, value: [0, 1, 2] }, global: [0, 0] })).toThrow(InvalidInputError);
    expect(() => mixVectors({ user: { n: 30, value: [0, Number.NaN] }, global: [0, 0] })).toThrow(InvalidInputError);
  });

  test('rejects mismatched centroids and bad options', () => {
    expect(() => granularityWeights({ user: { n: 1, vector: [1, 0] }, personas: [homeCook], global: 0 })).toThrow(InvalidInputError);
    expect(() => granularityWeights({ user: { n: 1, vector: [1, 0, 0] }, personas: [homeCook], global: 0 }, { temperature: 0 })).toThrow(InvalidInputError);
    expect(() => granularityWeights({ user: { n: 1 }, global: 0 }, { personaTrust: 2 })).toThrow(InvalidInputError);
    expect(() => granularityWeights({ user: { n: 1, vector: [1, 0, 0] }, personas: [homeCook, homeCook], global: 0 })).toThrow(InvalidInputError);
  });
});
