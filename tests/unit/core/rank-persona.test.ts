import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors';
import { featureShares, matchRankPersona, type RankPersona } from '../../../src/core/rank-persona';
import { rankItems, type RatedItem } from '../../../src/core/ranking';

const NOW = Date.UTC(2026, 0, 1);
const item = (id: string, ...features: string[]): RatedItem => ({ id, ts: NOW, rating: 5, features });

const comedyFans: RankPersona = { id: 'comedy', label: 'comedy fans', centroid: { 'g:Comedy': 0.7, 'g:Romance': 0.3 }, prior: { c1: 3, d1: 0.5, x: 1 } };
const dramaFans: RankPersona = { id: 'drama', centroid: { 'g:Drama': 0.8, 'g:War': 0.2 }, prior: { c1: 0.2, d1: 4, x: 1 } };

describe('featureShares', () => {
  test('each item spreads one unit over the tokens the personas know; shares sum to 1 (hand-checked)', () => {
    const vocabulary = new Set(['g:Comedy', 'g:Romance', 'g:Drama']);
    const shares = featureShares([item('a', 'g:Comedy', 'g:Romance', 't:unknown'), item('b', 'g:Comedy'), item('c', 't:only-unknown')], vocabulary);
    // a: ½ Comedy, ½ Romance; b: 1 Comedy; c knows nothing and does not count → over 2 items: Comedy ¾, Romance ¼.
    expect(Object.fromEntries(shares)).toEqual({ 'g:Comedy': 0.75, 'g:Romance': 0.25 });
  });
});

describe('matchRankPersona', () => {
  test('matches the nearest centroid by the features of the user’s own history', () => {
    expect(matchRankPersona([item('a', 'g:Comedy'), item('b', 'g:Comedy', 'g:Romance')], [comedyFans, dramaFans])?.persona.id).toBe('comedy');
    expect(matchRankPersona([item('a', 'g:Drama'), item('b', 'g:War', 'g:Drama'), item('c', 'g:Comedy')], [comedyFans, dramaFans])?.persona.id).toBe('drama');
  });

  test('the distance is the squared Euclidean distance between shares (hand-checked)', () => {
    // User: Comedy 1. To comedy fans: (1 − .7)² + (0 − .3)² + 0 + 0 = .18.
    expect(matchRankPersona([item('a', 'g:Comedy')], [comedyFans])?.distance).toBeCloseTo(0.18, 12);
  });

  test('no personas, or no feature they know in the history: no match', () => {
    expect(matchRankPersona([item('a', 'g:Comedy')], [])).toBeUndefined();
    expect(matchRankPersona([item('a', 't:cats')], [comedyFans, dramaFans])).toBeUndefined();
    expect(matchRankPersona([], [comedyFans])).toBeUndefined();
  });

  test('a malformed persona is a named error', () => {
    expect(() => matchRankPersona([], [{ ...comedyFans, id: '' }])).toThrow(InvalidInputError);
    expect(() => matchRankPersona([], [{ ...comedyFans, centroid: { 'g:Comedy': Number.NaN } }])).toThrow(/centroid\[g:Comedy\]/);
    expect(() => matchRankPersona([], [{ ...comedyFans, prior: null as unknown as Record<string, number> }])).toThrow(/prior/);
  });
});

describe('rankItems with host personas', () => {
  const candidates = [{ id: 'c1' }, { id: 'd1' }, { id: 'x' }];
  const priorOnly = { weights: { content: 0, features: 0, foldIn: 0, preference: 0, popularity: 0, persona: 1 } };

  test('the matched persona’s prior orders the list, and the reason names it', () => {
    const drama = rankItems(candidates, { rated: [item('h', 'g:Drama')], now: NOW, personas: [comedyFans, dramaFans] }, priorOnly);
    expect(drama.map((r) => r.id)).toEqual(['d1', 'x', 'c1']);
    const comedy = rankItems(candidates, { rated: [item('h', 'g:Comedy')], now: NOW, personas: [comedyFans, dramaFans] }, priorOnly);
    expect(comedy.map((r) => r.id)).toEqual(['c1', 'x', 'd1']);
    expect(comedy[0]?.reason).toContain('comedy fans');
  });

  test('a prior the host chose itself wins over matching', () => {
    const ranked = rankItems(candidates, { rated: [item('h', 'g:Comedy')], now: NOW, personas: [comedyFans], personaPrior: { x: 9, c1: 0, d1: 1 } }, priorOnly);
    expect(ranked.map((r) => r.id)).toEqual(['x', 'd1', 'c1']);
  });

  test('a non-finite prior value for a listed candidate is a named error', () => {
    const broken = { ...dramaFans, prior: { d1: Number.POSITIVE_INFINITY } };
    expect(() => rankItems(candidates, { rated: [item('h', 'g:Drama')], now: NOW, personas: [broken] }, priorOnly)).toThrow(InvalidInputError);
  });
});
