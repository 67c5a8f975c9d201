import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors';
import { foldInUserFactor } from '../../../src/core/fold-in';
import { rankItems, scoreCandidates, scoreForBench, type BlendWeights, type RankCandidate, type RankUser, type RatedItem } from '../../../src/core/ranking';
import { seededRandom } from '../../support/seeded-random';

const D = 8;
const NOW = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

/** Unit vector along axis `k`, tilted by `tilt` toward axis `toward` (a member of topic k, slightly off-centre). */
function topic(k: number, tilt = 0, toward = (k + 1) % D): Float32Array {
  const v = new Float32Array(D);
  v[k] = 1;
  v[toward] = (v[toward] as number) + tilt;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

// The project's seeded generator, so the synthetic data is the same on every run.
const random = seededRandom;

const only = (component: keyof BlendWeights): Partial<BlendWeights> => ({ content: 0, features: 0, foldIn: 0, preference: 0, popularity: 0, persona: 0, [component]: 1 });
const ids = (items: readonly { id: string }[]) => items.map((i) => i.id);
const rated = (id: string, vector: Float32Array, rating: number | undefined, ageDays = 1, title?: string): RatedItem => ({
  id,
  vector,
  ts: NOW - ageDays * DAY,
  ...(rating === undefined ? {} : { rating }),
  ...(title ? { title } : {}),
});

describe('blend: each component alone ranks by its own signal', () => {
  test('content: by similarity to what the user liked', () => {
    const user: RankUser = { rated: [rated('h1', topic(0), 5), rated('h2', topic(0, 0.1), 5), rated('h3', topic(3), 2)], now: NOW };
    const candidates: RankCandidate[] = [
      { id: 'far', vector: topic(5) },
      { id: 'close', vector: topic(0, 0.05) },
      { id: 'mid', vector: topic(0, 1.5) },
    ];
    expect(ids(rankItems(candidates, user, { weights: only('content') }))).toEqual(['close', 'mid', 'far']);
  });

  test('popularity: by the prior, whether shares or counts (log-scaled, same order)', () => {
    const user: RankUser = { rated: [], now: NOW };
    const shares = [0.2, 0.9, 0.5].map((popularity, i) => ({ id: `c${i}`, popularity }));
    expect(ids(rankItems(shares, user, { weights: only('popularity') }))).toEqual(['c1', 'c2', 'c0']);
    const counts = [20, 90_000, 500].map((popularity, i) => ({ id: `c${i}`, popularity }));
    expect(ids(rankItems(counts, user, { weights: only('popularity') }))).toEqual(['c1', 'c2', 'c0']);
  });

  test('persona: by the prior, given as a record or as a function', () => {
    const candidates = ['a', 'b', 'c'].map((id) => ({ id }));
    const record: RankUser = { rated: [], now: NOW, personaPrior: { a: 0.1, b: 0.7, c: 0.4 } };
    expect(ids(rankItems(candidates, record, { weights: only('persona') }))).toEqual(['b', 'c', 'a']);
    const fn: RankUser = { rated: [], now: NOW, personaPrior: (c) => ({ a: 3, b: 1, c: 2 })[c.id] };
    expect(ids(rankItems(candidates, fn, { weights: only('persona') }))).toEqual(['a', 'c', 'b']);
  });

  test('fold-in: by u·v with u solved from the history, which orders like the true factor', () => {
    const rand = random(11);
    const d = 6;
    const vec = () => Float32Array.from({ length: d }, () => rand() * 2 - 1);
    const trueU = Float64Array.of(1, -0.5, 0.8, 0, 0.3, -1);
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * (b[i] as number), 0);
    const history: RatedItem[] = Array.from({ length: 80 }, (_, i) => {
      const factor = vec();
      return { id: `h${i}`, factor, rating: Math.max(1, Math.min(5, 3 + dot(trueU, factor))), ts: NOW - DAY };
    });
    const candidates: RankCandidate[] = Array.from({ length: 30 }, (_, i) => ({ id: `c${String(i).padStart(2, '0')}`, factor: vec() }));
    const ranked = rankItems(candidates, { rated: history, now: NOW }, { weights: only('foldIn') });
    const truth = [...candidates].sort((a, b) => dot(trueU, b.factor as Float32Array) - dot(trueU, a.factor as Float32Array));
    // Concordant pairs between the ranking and the truth (Kendall-style agreement).
    const position = new Map(ids(ranked).map((id, i) => [id, i]));
    let concordant = 0;
    let pairs = 0;
    for (let i = 0; i < truth.length; i++) {
      for (let j = i + 1; j < truth.length; j++) {
        pairs++;
        if ((position.get((truth[i] as RankCandidate).id) as number) < (position.get((truth[j] as RankCandidate).id) as number)) concordant++;
      }
    }
    expect(concordant / pairs).toBeGreaterThan(0.9);
    expect(ranked[0]?.reasonKind).toBe('fold-in');
  });

  test('preference: by the preference model’s probability', () => {
    const preference = { score: (input: { item: ArrayLike<number> }) => 1 / (1 + Math.exp(-5 * (input.item[2] as number))) };
    const candidates = [
      { id: 'a', vector: topic(2, -0.5, 3) },
      { id: 'b', vector: topic(4) },
      { id: 'c', vector: topic(2) },
    ];
    const user: RankUser = { rated: [rated('h', topic(6), 5)], now: NOW, preference };
    expect(ids(rankItems(candidates, user, { weights: only('preference') }))).toEqual(['c', 'a', 'b']);
  });

  test('parts add up to the score, and a limit keeps the best', () => {
    const user: RankUser = { rated: [rated('h', topic(0), 5)], now: NOW, personaPrior: { a: 1 } };
    const candidates = [
      { id: 'a', vector: topic(1), popularity: 0.1 },
      { id: 'b', vector: topic(0), popularity: 0.5 },
      { id: 'c', vector: topic(2), popularity: 0.9 },
    ];
    const all = rankItems(candidates, user);
    for (const item of all) expect(Object.values(item.parts).reduce((s, x) => s + x, 0)).toBeCloseTo(item.score, 12);
    expect(rankItems(candidates, user, { limit: 2 })).toEqual(all.slice(0, 2));
  });
});

describe('cold-start shrinkage', () => {
  // Content prefers 'niche' (close to the user's taste); popularity prefers 'hit'.
  const candidates: RankCandidate[] = [
    { id: 'hit', vector: topic(4), popularity: 0.95 },
    { id: 'niche', vector: topic(0, 0.05), popularity: 0.05 },
    { id: 'other', vector: topic(6), popularity: 0.5 },
  ];
  const history = (n: number) => Array.from({ length: n }, (_, i) => rated(`h${i}`, topic(0, (i % 5) * 0.05), 5, i));

  test('a cold user (one rating) is carried by popularity', () => {
    const ranked = rankItems(candidates, { rated: history(1), now: NOW });
    expect(ranked[0]?.id).toBe('hit');
    expect(ranked[0]?.reason).toBe('popular with everyone');
    expect(scoreCandidates(candidates, { rated: history(1), now: NOW }).personalShare).toBeCloseTo(1 / 11, 12);
  });

  test('a warm user (100 ratings) is ranked by their own taste', () => {
    const ranked = rankItems(candidates, { rated: history(100), now: NOW });
    expect(ranked[0]?.id).toBe('niche');
    expect(Math.abs(ranked[0]?.parts.content ?? 0)).toBeGreaterThan(Math.abs(ranked[0]?.parts.popularity ?? 0));
  });

  test('the personal share grows with n / (n + k), k set by shrinkageK', () => {
    const share = (n: number, k?: number) => scoreCandidates(candidates, { rated: history(n), now: NOW }, k ? { shrinkageK: k } : {}).personalShare;
    expect(share(0)).toBe(0);
    expect(share(10)).toBeCloseTo(0.5, 12);
    expect(share(5, 5)).toBeCloseTo(0.5, 12);
    expect(share(40)).toBeGreaterThan(share(20));
  });

  test('with no prior at all, history ranks alone even for a cold user', () => {
    const bare = candidates.map(({ id, vector }) => ({ id, vector: vector as Float32Array }));
    expect(scoreCandidates(bare, { rated: history(1), now: NOW }).personalShare).toBe(1);
    expect(rankItems(bare, { rated: history(1), now: NOW })[0]?.id).toBe('niche');
  });
});

describe('content affinity', () => {
  test('a disliked item pushes similar candidates below unrelated ones', () => {
    const user: RankUser = { rated: [rated('loved', topic(0), 5), rated('hated', topic(1), 1)], now: NOW };
    const candidates = [
      { id: 'like-hated', vector: topic(1, 0.1, 2) },
      { id: 'unrelated', vector: topic(4) },
      { id: 'like-loved', vector: topic(0, 0.1, 2) },
    ];
    const ranked = rankItems(candidates, user, { weights: only('content') });
    expect(ids(ranked)).toEqual(['like-loved', 'unrelated', 'like-hated']);
    expect(ranked[2]?.parts.content).toBeLessThan(0);
  });

  test('ratings are centred on the user’s mean: a harsh rater’s 3 among 1s reads as a like', () => {
    const user: RankUser = {
      rated: [rated('ok', topic(0), 3), ...Array.from({ length: 6 }, (_, i) => rated(`bad${i}`, topic(1, i * 0.05, 2), 1))],
      now: NOW,
    };
    const candidates = [
      { id: 'like-ok', vector: topic(0, 0.05) },
      { id: 'unrelated', vector: topic(5) },
    ];
    expect(ids(rankItems(candidates, user, { weights: only('content') }))).toEqual(['like-ok', 'unrelated']);
  });

  test('recency: a recent like outweighs an old one; without decay they tie', () => {
    const user: RankUser = { rated: [rated('old', topic(0), 5, 720), rated('new', topic(3), 5, 1)], now: NOW };
    const candidates = [
      { id: 'a-like-old', vector: topic(0, 0.1, 7) },
      { id: 'b-like-new', vector: topic(3, 0.1, 7) },
    ];
    const decayed = rankItems(candidates, user, { weights: only('content'), halfLifeMs: 90 * DAY });
    expect(ids(decayed)).toEqual(['b-like-new', 'a-like-old']);
    const flat = rankItems(candidates, user, { weights: only('content'), halfLifeMs: Number.POSITIVE_INFINITY });
    expect(flat[0]?.score).toBeCloseTo(flat[1]?.score as number, 6);
  });
});

describe('MMR diversity', () => {
  const user: RankUser = { rated: [rated('h', topic(0), 5)], now: NOW };
  const candidates = [
    { id: 'dup1', vector: topic(0, 0.1) },
    { id: 'dup2', vector: topic(0, 0.12) },
    { id: 'dup3', vector: topic(0, 0.14) },
    { id: 'diverse', vector: topic(0, 0.9, 5) },
    { id: 'far', vector: topic(6) },
  ];

  test('without MMR near-duplicates fill the head; with it a different item moves up', () => {
    const plain = ids(rankItems(candidates, user, { weights: only('content') }));
    expect(plain.slice(0, 3)).toEqual(['dup1', 'dup2', 'dup3']);
    const diverse = ids(rankItems(candidates, user, { weights: only('content'), mmrLambda: 0.5 }));
    expect(diverse[0]).toBe('dup1');
    expect(diverse[1]).toBe('diverse');
    expect([...diverse].sort()).toEqual([...plain].sort());
  });

  test('λ = 1 is the plain ranking; λ outside (0, 1] is a named error', () => {
    expect(rankItems(candidates, user, { mmrLambda: 1 })).toEqual(rankItems(candidates, user));
    expect(() => rankItems(candidates, user, { mmrLambda: 0 })).toThrow(InvalidInputError);
  });
});

describe('reasons', () => {
  const user: RankUser = {
    rated: [rated('m1', topic(0), 5, 3, 'The Matrix'), rated('m2', topic(3), 5, 3, 'Amélie'), rated('m3', topic(6), 1, 3, 'Cats')],
    now: NOW,
    personaPrior: { p: 5 },
    personaLabel: 'film buff',
  };

  test('name the liked item most similar to the candidate', () => {
    const ranked = rankItems(
      [
        { id: 'neo', vector: topic(0, 0.1, 1) },
        { id: 'paris', vector: topic(3, 0.1, 2) },
        { id: 'far', vector: topic(5) },
      ],
      user,
      { weights: only('content') },
    );
    const byId = new Map(ranked.map((r) => [r.id, r]));
    expect(byId.get('neo')?.reason).toBe('because you rated The Matrix highly');
    expect(byId.get('neo')?.because?.id).toBe('m1');
    expect(byId.get('paris')?.reason).toBe('because you rated Amélie highly');
  });

  test('implicit interactions are worded as interest, and named by their text when untitled', () => {
    const clicks: RankUser = { rated: [{ id: 'r1', vector: topic(2), ts: NOW, text: 'A long read about   sourdough bread' }], now: NOW };
    const [item] = rankItems([{ id: 'x', vector: topic(2, 0.1) }, { id: 'y', vector: topic(5) }], clicks, { weights: only('content') });
    expect(item?.reason).toBe('because you showed interest in A long read about sourdough bread');
  });

  test('priors explain themselves', () => {
    const cold: RankUser = { rated: [], now: NOW, personaPrior: { p: 5, q: 1 }, personaLabel: 'film buff' };
    const byPopularity = rankItems([{ id: 'x', popularity: 0.9 }, { id: 'y', popularity: 0.1 }], cold, { weights: only('popularity') });
    expect(byPopularity[0]?.reason).toBe('popular with everyone');
    const byPersona = rankItems([{ id: 'p' }, { id: 'q' }], cold, { weights: only('persona') });
    expect(byPersona[0]?.reason).toBe('people like you (film buff) enjoy it');
    expect(byPersona[1]?.reasonKind).toBe('explore');
  });
});

describe('determinism and errors', () => {
  const user: RankUser = { rated: [rated('h1', topic(0), 5), rated('h2', topic(2), 2)], now: NOW, personaPrior: { c3: 1 } };
  const candidates: RankCandidate[] = Array.from({ length: 12 }, (_, i) => ({
    id: `c${i}`,
    vector: topic(i % D, (i % 3) * 0.2),
    popularity: (i * 7) % 5,
  }));

  test('the same input gives the same output; input order does not change the ranking', () => {
    const first = rankItems(candidates, user, { mmrLambda: 0.7 });
    expect(rankItems(candidates, user, { mmrLambda: 0.7 })).toEqual(first);
    const reversed = rankItems([...candidates].reverse(), user, { mmrLambda: 0.7 });
    expect(ids(reversed)).toEqual(ids(first));
  });

  test('scoreForBench gives rankItems’ scores in candidate order', () => {
    const scores = scoreForBench(user.rated, candidates, { now: NOW, personaPrior: { c3: 1 } });
    expect(scores).toBeInstanceOf(Float64Array);
    const ranked = new Map(rankItems(candidates, user).map((r) => [r.id, r.score]));
    candidates.forEach((c, i) => {
      expect(scores[i]).toBe(ranked.get(c.id));
    });
  });

  test.each<[string, () => unknown]>([
    ['candidate vectors of different dimensions', () => rankItems([{ id: 'a', vector: topic(0) }, { id: 'b', vector: [1, 0] }], user)],
    ['a history vector of another dimension', () => rankItems(candidates, { rated: [{ id: 'h', vector: [1, 0, 0], ts: NOW, rating: 5 }], now: NOW })],
    ['a NaN in a candidate vector', () => rankItems([{ id: 'a', vector: [Number.NaN, 0, 0, 0, 0, 0, 0, 0] }], user)],
    ['a NaN rating', () => rankItems(candidates, { rated: [{ id: 'h', ts: NOW, rating: Number.NaN }], now: NOW })],
    ['a negative popularity', () => rankItems([{ id: 'a', popularity: -1 }], user)],
    ['a duplicated candidate id', () => rankItems([{ id: 'a' }, { id: 'a' }], user)],
    ['a negative weight', () => rankItems(candidates, user, { weights: { content: -1 } })],
    ['a NaN persona prior', () => rankItems(candidates, { ...user, personaPrior: () => Number.NaN })],
    [
      'a candidate factor of another dimension than the history’s',
      () => rankItems([{ id: 'a', factor: [1, 2, 3] }], { rated: [{ id: 'h', factor: [1, 0], rating: 5, ts: NOW }], now: NOW }),
    ],
  ])('%s → InvalidInputError', (_, run) => {
    expect(run).toThrow(InvalidInputError);
  });

  test('the fold-in component uses the same solve as foldInUserFactor', () => {
    const history: RatedItem[] = [
      { id: 'h1', factor: [1, 0], rating: 5, ts: NOW },
      { id: 'h2', factor: [0, 1], rating: 1, ts: NOW },
    ];
    const cands = [
      { id: 'a', factor: [1, 0.2] },
      { id: 'b', factor: [0.1, 1] },
    ];
    const ranked = rankItems(cands, { rated: history, now: NOW }, { weights: only('foldIn') });
    expect(ids(ranked)).toEqual(['a', 'b']);
    const u = foldInUserFactor([
      { itemFactor: [1, 0], rating: 1, weight: 1 },
      { itemFactor: [0, 1], rating: -1, weight: 1 },
    ]);
    expect(u[0]).toBeGreaterThan(0);
    expect(u[1]).toBeLessThan(0);
  });
});

describe('sparse feature channel (TF-IDF over genres, tags, decade)', () => {
  const item = (id: string, features: string[], rating?: number, ageDays = 1): RatedItem => ({ id, features, ts: NOW - ageDays * DAY, ...(rating === undefined ? {} : { rating }) });

  test('ranks by overlap with the features of what the user rated, rare tokens counting more', () => {
    const user: RankUser = { rated: [item('h1', ['g:Comedy', 't:heist'], 5), item('h2', ['g:Comedy', 't:heist'], 5), item('h3', ['g:Drama'], 4)], now: NOW };
    const candidates: RankCandidate[] = [
      { id: 'none', features: ['g:Horror'] },
      { id: 'common', features: ['g:Comedy', 'g:Horror'] },
      { id: 'rare', features: ['t:heist', 'g:Horror'] },
      { id: 'both', features: ['g:Comedy', 't:heist'] },
    ];
    // 'g:Comedy' is held by most items, 't:heist' by few: with the catalogue IDF the rare token weighs more.
    const idf = { 'g:Comedy': 1, 'g:Horror': 1, 'g:Drama': 1, 't:heist': 3 };
    expect(ids(rankItems(candidates, user, { weights: only('features'), featureIdf: idf }))).toEqual(['both', 'rare', 'common', 'none']);
    const top = rankItems(candidates, user, { weights: only('features'), featureIdf: idf })[0];
    expect(top?.reasonKind).toBe('content');
    expect(top?.parts.features).toBeGreaterThan(0);
  });

  test('ratings steer the profile (γ > 0); with γ = 0 every interaction pulls equally', () => {
    const user: RankUser = { rated: [item('h1', ['g:A'], 5), item('h2', ['g:B'], 1), item('h3', ['g:B'], 1)], now: NOW };
    const candidates: RankCandidate[] = [
      { id: 'a', features: ['g:A'] },
      { id: 'b', features: ['g:B'] },
    ];
    expect(ids(rankItems(candidates, user, { weights: only('features'), featureRatingWeight: 1 }))).toEqual(['a', 'b']);
    expect(ids(rankItems(candidates, user, { weights: only('features'), featureRatingWeight: 0 }))).toEqual(['b', 'a']);
  });

  test('recency: with a short half-life the recent taste wins', () => {
    const user: RankUser = { rated: [item('old1', ['g:A'], undefined, 1000), item('old2', ['g:A'], undefined, 1000), item('new', ['g:B'], undefined, 1)], now: NOW };
    const candidates: RankCandidate[] = [
      { id: 'a', features: ['g:A'] },
      { id: 'b', features: ['g:B'] },
    ];
    expect(ids(rankItems(candidates, user, { weights: only('features'), halfLifeMs: Infinity }))).toEqual(['a', 'b']);
    expect(ids(rankItems(candidates, user, { weights: only('features'), halfLifeMs: 30 * DAY }))).toEqual(['b', 'a']);
  });

  test('no features anywhere → the component is absent; malformed input is rejected', () => {
    const user: RankUser = { rated: [rated('h', topic(0), 5)], now: NOW };
    const scores = scoreCandidates([{ id: 'a', vector: topic(0) }, { id: 'b', vector: topic(1) }], user);
    expect([...scores.parts.features]).toEqual([0, 0]);
    const bad = [{ id: 'a', features: 'g:A' as unknown as string[] }];
    expect(() => rankItems(bad, { rated: [item('h', ['g:A'], 5)], now: NOW })).toThrow(InvalidInputError);
    expect(() => rankItems([{ id: 'a', features: ['g:A'] }], { rated: [item('h', ['g:A'], 5)], now: NOW }, { featureRatingWeight: -1 })).toThrow(InvalidInputError);
    expect(() => rankItems([{ id: 'a', features: ['g:A'] }], { rated: [item('h', ['g:A'], 5)], now: NOW }, { featureIdf: { 'g:A': Number.NaN } })).toThrow(InvalidInputError);
  });
});

describe('fold-in with item-item similarity in the host factor space', () => {
  test('foldInNeighbourWeight = 1 ranks by cosine to the user\'s items\' factors; 0 keeps the plain fold-in', () => {
    const f = (...xs: number[]) => Float32Array.from(xs);
    const history: RatedItem[] = [
      { id: 'h1', factor: f(1, 0, 0), rating: 5, ts: NOW - DAY },
      { id: 'h2', factor: f(0.9, 0.1, 0), rating: 4, ts: NOW - DAY },
    ];
    const candidates: RankCandidate[] = [
      { id: 'close-small', factor: f(0.2, 0, 0.01) },
      { id: 'off-large', factor: f(3, 3, 3) },
      { id: 'far', factor: f(0, 0, 1) },
    ];
    const user: RankUser = { rated: history, now: NOW };
    // u·v favours the long vector; the cosine neighbour score favours the candidate pointing where the history does.
    expect(ids(rankItems(candidates, user, { weights: only('foldIn') }))[0]).toBe('off-large');
    expect(ids(rankItems(candidates, user, { weights: only('foldIn'), foldInNeighbourWeight: 1 }))).toEqual(['close-small', 'off-large', 'far']);
    expect(() => rankItems(candidates, user, { foldInNeighbourWeight: 2 })).toThrow(InvalidInputError);
  });
});

describe('BPR fold-in mode', () => {
  test('ranks candidates along the factor the history points to, skipping the user\'s own items as negatives', () => {
    const f = (...xs: number[]) => Float32Array.from(xs);
    const history: RatedItem[] = [
      { id: 'h1', factor: f(1, 0.1), rating: 5, ts: NOW - DAY },
      { id: 'h2', factor: f(0.9, -0.1), rating: 4, ts: NOW - DAY },
    ];
    const negatives = [
      { id: 'h1', factor: f(1, 0.1) },
      { id: 'n1', factor: f(-1, 0) },
      { id: 'n2', factor: f(0, 1) },
      { id: 'n3', factor: f(0, -1) },
    ];
    const candidates: RankCandidate[] = [
      { id: 'away', factor: f(-1, 0.2) },
      { id: 'along', factor: f(1, 0) },
      { id: 'side', factor: f(0.1, 1) },
    ];
    const ranked = rankItems(candidates, { rated: history, now: NOW }, { weights: only('foldIn'), foldInMode: 'bpr', foldInNegatives: negatives, foldInEpochs: 50 });
    expect(ids(ranked)).toEqual(['along', 'side', 'away']);
    // Without a negatives pool the candidates serve.
    expect(ids(rankItems(candidates, { rated: history, now: NOW }, { weights: only('foldIn'), foldInMode: 'bpr', foldInEpochs: 50 }))[0]).toBe('along');
  });
});

describe('recency by position (halfLifeItems)', () => {
  test('the newest interactions lead even when all happened the same day', () => {
    const item = (id: string, features: string[], minutesAgo: number): RatedItem => ({ id, features, ts: NOW - minutesAgo * 60_000 });
    // Three old-taste items, then two new-taste ones, all within an hour.
    const user: RankUser = { rated: [item('a1', ['g:A'], 50), item('a2', ['g:A'], 40), item('a3', ['g:A'], 30), item('b1', ['g:B'], 20), item('b2', ['g:B'], 10)], now: NOW };
    const candidates: RankCandidate[] = [
      { id: 'a', features: ['g:A'] },
      { id: 'b', features: ['g:B'] },
    ];
    expect(ids(rankItems(candidates, user, { weights: only('features') }))).toEqual(['a', 'b']);
    expect(ids(rankItems(candidates, user, { weights: only('features'), halfLifeItems: 1 }))).toEqual(['b', 'a']);
    expect(() => rankItems(candidates, user, { halfLifeItems: 0 })).toThrow(InvalidInputError);
  });
});
