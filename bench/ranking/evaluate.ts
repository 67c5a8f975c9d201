// The scorer hook every method plugs into, and the evaluation loop that turns scores into HR@10 / NDCG@10.
import { hitRate, ndcg, rankOfTest } from '../../src/core/ranking-metrics.ts';
import { seededRandom } from '../../tests/support/seeded-random.ts';
import type { EvalCase, Fold, UserHistory } from './split.ts';

/**
 * A ranking scorer: given one user's training history (oldest first) and candidate item indices, one score per
 * candidate, higher is better. Ties count against the held-out item, so a scorer gains nothing from constant scores.
 * Centralized baselines may use `history.user` to look up what they learned from every user's training data; a
 * Persona scorer should use only `history.ratings` (what the device would hold) plus item metadata.
 */
export type RankingScorer = (history: UserHistory, candidates: Int32Array) => Float64Array | Float32Array | number[];

export interface Metrics {
  hr10_n100: number;
  ndcg10_n100: number;
  hr10_n19: number;
  ndcg10_n19: number;
  users: number;
}

const K = 10;

function candidates(c: EvalCase, negatives: number): Int32Array {
  const n = Math.min(negatives, c.negatives.length);
  const out = new Int32Array(n + 1);
  out[0] = c.target; // position does not matter: ties already count against the target
  out.set(c.negatives.subarray(0, n), 1);
  return out;
}

/**
 * HR@10 and NDCG@10 with 100 and with 19 negatives. The scorer is called separately for each candidate set, so a
 * scorer whose scores depend on the whole set (a normalisation, a listwise model) is evaluated on the set it ranks.
 */
export function evaluate(fold: Fold, scorer: RankingScorer, options: { n19?: boolean } = {}): Metrics {
  let hr100 = 0;
  let nd100 = 0;
  let hr19 = 0;
  let nd19 = 0;
  const withN19 = options.n19 ?? true;
  for (const c of fold.cases) {
    const big = candidates(c, 100);
    const r100 = rankOfTest(scorer(c.history, big), 0);
    hr100 += hitRate(r100, K);
    nd100 += ndcg(r100, K);
    if (withN19) {
      const r19 = rankOfTest(scorer(c.history, candidates(c, 19)), 0);
      hr19 += hitRate(r19, K);
      nd19 += ndcg(r19, K);
    }
  }
  const n = Math.max(1, fold.cases.length);
  return {
    hr10_n100: hr100 / n,
    ndcg10_n100: nd100 / n,
    hr10_n19: withN19 ? hr19 / n : Number.NaN,
    ndcg10_n19: withN19 ? nd19 / n : Number.NaN,
    users: fold.cases.length,
  };
}

/**
 * Median milliseconds to score AND sort 1,000 candidates for one user, over `users` users (after a warm-up), in this
 * Node process. Candidates are 1,000 distinct catalogue items drawn with a fixed seed. A Persona entry may bring its own timer
 * (e.g. measured in the browser) instead; see persona-scorers.ts.
 */
export function timeRank1000(fold: Fold, catalogue: Int32Array, scorer: RankingScorer, users = 100): number {
  const random = seededRandom(1000);
  // 1,000 distinct items (a host's list has no duplicates): a partial Fisher–Yates shuffle of the catalogue.
  const pool = Int32Array.from(catalogue);
  const sample = (): Int32Array => {
    const n = Math.min(1000, pool.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(random() * (pool.length - i));
      const swap = pool[i] as number;
      pool[i] = pool[j] as number;
      pool[j] = swap;
    }
    return pool.slice(0, n);
  };
  const cases = fold.cases.slice(0, users);
  const times: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    for (const c of cases) {
      const cand = sample();
      const t0 = performance.now();
      const scores = scorer(c.history, cand);
      const order = Array.from(cand.keys()).sort((a, b) => (scores[b] as number) - (scores[a] as number));
      const ms = performance.now() - t0;
      if (order.length !== cand.length) throw new Error('unreachable');
      if (pass === 1) times.push(ms); // pass 0 warms the JIT
    }
  }
  return median(times);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
