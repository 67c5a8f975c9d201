import { describe, expect, test } from 'vitest';
import { applyRecency, bestHits, fuseScores, mmr, reciprocalRankFusion, recencyWeight, scoreFusion, type FusedHit } from '../../../src/core/fusion';

describe('reciprocalRankFusion', () => {
  test('sums weighted reciprocal ranks and keeps each list’s rank and score', () => {
    const fused = reciprocalRankFusion(
      { bm25: [{ id: 'a', score: 12 }, { id: 'b', score: 7 }], dense: [{ id: 'b', score: 0.9 }, { id: 'c', score: 0.8 }] },
      { k: 60 },
    );
    expect(fused.map((h) => h.id)).toEqual(['b', 'a', 'c']);
    expect(fused[0]?.score).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(fused[0]?.parts.lists).toEqual({ bm25: { score: 7, rank: 2 }, dense: { score: 0.9, rank: 1 } });
    const weighted = reciprocalRankFusion({ bm25: [{ id: 'a', score: 1 }], dense: [{ id: 'c', score: 1 }] }, { weights: { dense: 2 } });
    expect(weighted.map((h) => h.id)).toEqual(['c', 'a']);
  });
});

describe('bestHits and fuseScores', () => {
  test('the best k, in the fusions\' order (score, then id), exactly as sorting everything and taking k', () => {
    // Few distinct scores, so ties (ordered by id) are everywhere.
    const hits: FusedHit[] = Array.from({ length: 97 }, (_, i) => {
      const score = ((i * 37) % 11) / 10;
      return { id: `h${(i * 53) % 97}`, score, parts: { lists: {}, fused: score, recency: 1 } };
    });
    const sorted = [...hits].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    for (const k of [1, 2, 10, 50, 96, 97, 200]) expect(bestHits(hits, k)).toEqual(sorted.slice(0, k));
    expect(bestHits([], 10)).toEqual([]);
    const lists = { keyword: [{ id: 'a', score: 10 }, { id: 'b', score: 5 }], dense: [{ id: 'b', score: 0.9 }, { id: 'c', score: 0.8 }] };
    expect(bestHits(fuseScores(lists, { normalization: { dense: 'min-max' } }), 3)).toEqual(scoreFusion(lists, { normalization: { dense: 'min-max' } }));
  });
});

describe('scoreFusion', () => {
  const lists = {
    keyword: [{ id: 'a', score: 10 }, { id: 'b', score: 5 }],
    dense: [{ id: 'b', score: 0.9 }, { id: 'c', score: 0.8 }, { id: 'd', score: 0.5 }],
  };

  test('sums weighted normalised scores: max for one list, min-max for another; absent counts 0', () => {
    const fused = scoreFusion(lists, { weights: { keyword: 0.7, dense: 0.3 }, normalization: { dense: 'min-max' } });
    const score = Object.fromEntries(fused.map((h) => [h.id, h.score]));
    expect(score.a).toBeCloseTo(0.7, 12);
    expect(score.b).toBeCloseTo(0.7 * 0.5 + 0.3, 12);
    expect(score.c).toBeCloseTo(0.3 * (0.3 / 0.4), 12);
    expect(score.d).toBeCloseTo(0, 12);
    expect(fused.map((h) => h.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(fused[1]?.parts).toEqual({ lists: { keyword: { score: 5, rank: 2 }, dense: { score: 0.9, rank: 1 } }, fused: fused[1]?.score, recency: 1 });
  });

  test('keeps score gaps that rank fusion loses', () => {
    // "a" matches the keywords ten times better than "b", and the cosines are all but tied: RRF sees only ranks and
    // puts "b" first; score fusion keeps "a" first.
    const gap = { keyword: [{ id: 'a', score: 20 }, { id: 'b', score: 2 }], dense: [{ id: 'b', score: 0.71 }, { id: 'c', score: 0.7 }, { id: 'a', score: 0.69 }] };
    expect(reciprocalRankFusion(gap)[0]?.id).toBe('b');
    expect(scoreFusion(gap, { weights: { keyword: 0.7, dense: 0.3 }, normalization: { dense: 'min-max' } })[0]?.id).toBe('a');
  });

  test('degenerate lists: one item or equal scores count fully under min-max; non-positive ones count 0 under max', () => {
    expect(scoreFusion({ dense: [{ id: 'x', score: 0.4 }] }, { normalization: { dense: 'min-max' } })[0]?.score).toBe(1);
    expect(scoreFusion({ keyword: [{ id: 'x', score: 0 }] })[0]?.score).toBe(0);
    expect(scoreFusion({ keyword: [] })).toEqual([]);
    // Weight 0 keeps the list's items and parts, but gives them nothing.
    expect(scoreFusion(lists, { weights: { dense: 0 } }).map((h) => h.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});

const DAY = 86_400_000;

describe('recency', () => {
  test('halves per half-life, never above 1, and keeps a floor', () => {
    const day = DAY;
    expect(recencyWeight(0, 10 * day, 10 * day)).toBeCloseTo(0.5, 12);
    expect(recencyWeight(5 * day, 0, day)).toBe(1);
    const hits = reciprocalRankFusion({ dense: [{ id: 'old', score: 1 }, { id: 'new', score: 0.9 }] });
    const times: Record<string, number> = { old: 0, new: 100 * day };
    const shaped = applyRecency(hits, (id) => times[id], { now: 100 * day, halfLifeMs: 30 * day, floor: 0.5 });
    expect(shaped.map((h) => h.id)).toEqual(['new', 'old']);
    expect(shaped[1]?.parts.recency).toBeGreaterThan(0.5);
    expect(shaped[1]?.parts.recency).toBeLessThan(0.6);
    // An item of unknown age gets the floor rather than full weight; floors outside [0, 1] are clamped.
    const unknown = applyRecency(reciprocalRankFusion({ dense: [{ id: 'undated', score: 1 }] }), () => undefined, { now: 0, halfLifeMs: DAY, floor: 3 });
    expect(unknown[0]?.parts.recency).toBe(1);
    const undated = applyRecency(reciprocalRankFusion({ dense: [{ id: 'undated', score: 1 }] }), () => undefined, { now: 0, halfLifeMs: DAY, floor: 0.4 });
    expect(undated[0]?.parts.recency).toBe(0.4);
  });
});

describe('mmr', () => {
  const hit = (id: string, score: number): FusedHit => ({ id, score, parts: { lists: {}, fused: score, recency: 1 } });

  test('skips near-duplicates in favour of the next distinct item', () => {
    const hits = [hit('a', 1), hit('a-copy', 0.99), hit('b', 0.8)];
    const similar = (x: string, y: string) => (x.startsWith('a') && y.startsWith('a') ? 0.99 : 0.1);
    expect(mmr(hits, similar, { limit: 2, lambda: 0.5 }).map((h) => h.id)).toEqual(['a', 'b']);
    // λ = 1 is plain relevance order.
    expect(mmr(hits, similar, { limit: 2, lambda: 1 }).map((h) => h.id)).toEqual(['a', 'a-copy']);
    expect(mmr([], similar, { limit: 3 })).toEqual([]);
  });
});
