// Turning several ranked lists (keyword, dense) into one — by normalised scores or by reciprocal ranks — and shaping
// it: recency decay and MMR diversity.
// Every step keeps the parts of each score so an answer can show why an item was retrieved.

export interface RankedHit {
  id: string;
  score: number;
}

export interface ScoreParts {
  /** Raw score and 1-based rank in each list that found the item. */
  lists: Record<string, { score: number; rank: number }>;
  /** Fused relevance before recency. */
  fused: number;
  /** Multiplier from the item's age (1 = now). */
  recency: number;
}

export interface FusedHit {
  id: string;
  score: number;
  parts: ScoreParts;
}

/**
 * Reciprocal rank fusion (Cormack et al. 2009): Σ weight / (k + rank). Rank-based, so BM25's unbounded scores and
 * cosine similarities need no calibration against each other. k = 60 is the paper's value.
 */
export function reciprocalRankFusion(
  lists: Readonly<Record<string, readonly RankedHit[]>>,
  { k = 60, weights = {} }: { k?: number; weights?: Readonly<Record<string, number>> } = {},
): FusedHit[] {
  const fused = new Map<string, FusedHit>();
  for (const [name, hits] of Object.entries(lists)) {
    const weight = weights[name] ?? 1;
    hits.forEach((hit, i) => {
      const entry = fused.get(hit.id) ?? { id: hit.id, score: 0, parts: { lists: {}, fused: 0, recency: 1 } };
      entry.parts.lists[name] = { score: hit.score, rank: i + 1 };
      entry.parts.fused += weight / (k + i + 1);
      entry.score = entry.parts.fused;
      fused.set(hit.id, entry);
    });
  }
  return sortHits([...fused.values()]);
}

/** How a list's raw scores are put on a 0–1 scale before they are weighted and summed. */
export type ScoreNormalization =
  /** score / best score: for scores with a meaningful zero, such as BM25 (0 = no query word). */
  | 'max'
  /** (score − lowest) / (best − lowest) over the list: for scores with no meaningful zero, such as cosines. */
  | 'min-max';

/**
 * Convex combination of normalised scores (calibrated score fusion): Σ weight × normalised score, an item absent
 * from a list getting 0 from it. Unlike RRF it keeps how far apart the scores are: a document that matches every rare
 * query word keeps its lead over one that matches a single word, and a close second in the dense list counts nearly
 * as much as the first. With the bundled GloVe embedder, whose dense list is much weaker than the keyword list, that
 * is what lets the dense list help instead of diluting (bench/locomo.ts).
 */
export function scoreFusion(
  lists: Readonly<Record<string, readonly RankedHit[]>>,
  options: { weights?: Readonly<Record<string, number>>; normalization?: Readonly<Record<string, ScoreNormalization>> } = {},
): FusedHit[] {
  return sortHits(fuseScores(lists, options));
}

/** scoreFusion's hits in no particular order: for a caller that then ranks them itself (see bestHits). */
export function fuseScores(
  lists: Readonly<Record<string, readonly RankedHit[]>>,
  { weights = {}, normalization = {} }: { weights?: Readonly<Record<string, number>>; normalization?: Readonly<Record<string, ScoreNormalization>> } = {},
): FusedHit[] {
  const fused = new Map<string, FusedHit>();
  for (const name of Object.keys(lists)) {
    const hits = lists[name] as readonly RankedHit[];
    const weight = weights[name] ?? 1;
    let best = Number.NEGATIVE_INFINITY;
    let lowest = Number.POSITIVE_INFINITY;
    for (const hit of hits) {
      best = Math.max(best, hit.score);
      lowest = Math.min(lowest, hit.score);
    }
    // Min-max: a list of one item, or of equal scores, normalises to 1 (each is the list's best). Max: scores at or
    // below zero carry no evidence and count 0. Written inline so the loop calls no closure per hit.
    const minMax = (normalization[name] ?? 'max') === 'min-max';
    const range = best - lowest;
    for (let i = 0; i < hits.length; i++) {
      const hit = hits[i] as RankedHit;
      const score = hit.score;
      const normalized = minMax ? (range > 0 ? (score - lowest) / range : 1) : best > 0 ? Math.max(0, score) / best : 0;
      let entry = fused.get(hit.id);
      if (entry === undefined) {
        entry = { id: hit.id, score: 0, parts: { lists: {}, fused: 0, recency: 1 } };
        fused.set(hit.id, entry);
      }
      entry.parts.lists[name] = { score, rank: i + 1 };
      entry.parts.fused += weight * normalized;
      entry.score = entry.parts.fused;
    }
  }
  return [...fused.values()];
}

/** Halves an item's weight every `halfLifeMs` of age; the future counts as now. */
export function recencyWeight(ts: number, now: number, halfLifeMs: number): number {
  if (!(halfLifeMs > 0) || !Number.isFinite(halfLifeMs)) return 1;
  return 0.5 ** (Math.max(0, now - ts) / halfLifeMs);
}

/**
 * Applies recency: score = fused × (floor + (1 − floor) × decay). The floor keeps an old but exactly relevant item
 * retrievable (a user's allergy mentioned a year ago still matters).
 */
export function applyRecency(
  hits: readonly FusedHit[],
  timeOf: (id: string) => number | undefined,
  { now, halfLifeMs, floor: requestedFloor = 0.5 }: { now: number; halfLifeMs: number; floor?: number },
): FusedHit[] {
  const floor = Math.min(1, Math.max(0, requestedFloor));
  return sortHits(
    hits.map((hit) => {
      const ts = timeOf(hit.id);
      // An item of unknown age gets the floor: it must not outrank dated items for lack of a date.
      const recency = ts === undefined ? floor : floor + (1 - floor) * recencyWeight(ts, now, halfLifeMs);
      return { ...hit, score: hit.parts.fused * recency, parts: { ...hit.parts, recency } };
    }),
  );
}

/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998): greedily picks the item maximising
 * λ · relevance − (1 − λ) · max similarity to those already picked, so near-duplicates do not fill the context.
 * Relevance is the hit's score over the best score (so in [0, 1], comparable with cosine similarity); ratios,
 * not min-max, so the last item of a list is not made worthless.
 */
export function mmr(
  hits: readonly FusedHit[],
  similarity: (a: string, b: string) => number,
  { limit, lambda = 0.7 }: { limit: number; lambda?: number },
): FusedHit[] {
  if (hits.length === 0 || limit < 1) return [];
  const top = Math.max(...hits.map((h) => h.score));
  const pool = hits.map((hit) => ({ hit, relevance: top > 0 ? hit.score / top : 1, maxSimilarity: Number.NEGATIVE_INFINITY }));
  const picked: FusedHit[] = [];
  while (picked.length < limit && pool.length > 0) {
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    pool.forEach((candidate, i) => {
      const redundancy = picked.length === 0 ? 0 : candidate.maxSimilarity;
      const value = lambda * candidate.relevance - (1 - lambda) * redundancy;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    });
    const [chosen] = pool.splice(best, 1);
    if (!chosen) break;
    picked.push(chosen.hit);
    for (const candidate of pool) candidate.maxSimilarity = Math.max(candidate.maxSimilarity, similarity(candidate.hit.id, chosen.hit.id));
  }
  return picked;
}

/**
 * The best `k` of `hits` in the order the fusions rank them (score, then id), sorted, without sorting the rest: a
 * hybrid query fuses ~100 hits and keeps 10. The same hits, in the same order, as sorting all and taking `k`.
 */
export function bestHits(hits: readonly FusedHit[], k: number): FusedHit[] {
  if (k >= hits.length) return sortHits([...hits]);
  const best: FusedHit[] = [];
  for (const hit of hits) {
    const last = best[best.length - 1];
    // Full and the hit ranks below the k-th kept: out, with one comparison.
    if (best.length === k && last && (hit.score < last.score || (hit.score === last.score && hit.id > last.id))) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0) {
      const above = best[at - 1] as FusedHit;
      if (above.score > hit.score || (above.score === hit.score && above.id < hit.id)) break;
      best[at] = above;
      at--;
    }
    best[at] = hit;
  }
  return best;
}

function sortHits(hits: FusedHit[]): FusedHit[] {
  return hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}
