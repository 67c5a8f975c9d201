// Ranking metrics for one relevant item among sampled candidates (leave-one-out evaluation): the rank of the held-out
// item, and HR@k / NDCG@k from that rank. Pure functions so the benchmark and any in-page evaluation agree exactly.

/**
 * 0-based rank of the candidate at `testIndex`: the number of OTHER candidates whose score is ≥ its score. Ties count
 * against the test item, so a scorer that gives every candidate the same score ranks it last, not first — a constant
 * or degenerate scorer cannot look good by accident. A NaN score for the test item ranks it last; NaN elsewhere never
 * beats it (NaN ≥ x is false), which is harmless because the test item is already penalised when it is the NaN one.
 */
export function rankOfTest(scores: Float64Array | Float32Array | readonly number[], testIndex: number): number {
  if (!Number.isInteger(testIndex) || testIndex < 0 || testIndex >= scores.length) {
    throw new RangeError(`testIndex ${testIndex} is outside 0..${scores.length - 1}`);
  }
  const test = scores[testIndex] as number;
  if (Number.isNaN(test)) return scores.length - 1;
  let rank = 0;
  for (let i = 0; i < scores.length; i++) {
    if (i !== testIndex && (scores[i] as number) >= test) rank++;
  }
  return rank;
}

function checkArgs(rank: number, k: number): void {
  if (!Number.isInteger(rank) || rank < 0) throw new RangeError(`rank must be a whole number ≥ 0, not ${rank}`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a whole number ≥ 1, not ${k}`);
}

/** HR@k for a single relevant item: 1 when its 0-based rank is inside the top k, else 0. */
export function hitRate(rankOfTestItem: number, k: number): number {
  checkArgs(rankOfTestItem, k);
  return rankOfTestItem < k ? 1 : 0;
}

/**
 * NDCG@k for a single relevant item: the ideal DCG is 1 (the item at rank 0), so NDCG is just its discounted gain,
 * 1 / log2(rank + 2), inside the top k, and 0 outside.
 */
export function ndcg(rankOfTestItem: number, k: number): number {
  checkArgs(rankOfTestItem, k);
  return rankOfTestItem < k ? 1 / Math.log2(rankOfTestItem + 2) : 0;
}
