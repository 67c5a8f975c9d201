// The persona prior as a host would build and ship it (issue 6's "+ persona prior" variant). The host clusters its
// users — never the users being evaluated: user-level 5-fold, as for the item factors — by the genre shares of their
// training ratings (k-means, k-means++ start, a fixed seed), and each persona carries its centroid and, per catalogue
// item, log(1 + its members' ratings). On the device, src/core/rank-persona.ts matches the user to the nearest
// centroid with the same share function the clustering used, from the user's own history only.
import { featureShares, type RankPersona } from '../../src/core/rank-persona';
import { seededRandom } from '../../tests/support/seeded-random.ts';
import type { Dataset } from './data.ts';
import type { Fold } from './split.ts';

const FOLDS = 5;
const LLOYD_STEPS = 30;

/** Genre tokens as the benchmark's item features name them ('g:Comedy'). */
export const genreToken = (genre: string) => `g:${genre}`;

/** Personas per fold of held-out users: `personasFor(user)` are those built without `user`'s fold. */
export interface HostPersonas {
  personasFor(user: number): readonly RankPersona[];
}

export function hostPersonas(dataset: Dataset, fold: Fold, count: number, seed: number): HostPersonas {
  const vocabulary = new Set(dataset.items.flatMap((item) => item.genres.map(genreToken)));
  const tokens = [...vocabulary].sort();
  const sharesOf = (items: readonly number[]) => {
    const shares = featureShares(items.map((item) => ({ id: String(item), ts: 0, features: (dataset.items[item]?.genres ?? []).map(genreToken) })), vocabulary);
    return Float64Array.from(tokens, (t) => shares.get(t) ?? 0);
  };
  const byFold: RankPersona[][] = [];
  for (let f = 0; f < FOLDS; f++) {
    const members = fold.histories.filter((h) => h.user % FOLDS !== f && h.ratings.length > 0);
    const points = members.map((h) => sharesOf(h.ratings.map((r) => r.item)));
    const { centroids, assignment } = kMeans(points, count, seededRandom(seed + 500 + f));
    byFold.push(
      centroids.map((centroid, k) => {
        const counts = new Float64Array(dataset.items.length);
        members.forEach((h, i) => {
          if (assignment[i] === k) for (const r of h.ratings) counts[r.item] = (counts[r.item] as number) + 1;
        });
        const prior: Record<string, number> = {};
        counts.forEach((c, item) => (prior[String(item)] = Math.log1p(c)));
        return { id: `cluster-${k}`, centroid: Object.fromEntries(tokens.map((t, g) => [t, centroid[g] as number])), prior };
      }),
    );
  }
  return { personasFor: (user) => byFold[user % FOLDS] ?? [] };
}

function squaredDistance(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let g = 0; g < a.length; g++) sum += ((a[g] as number) - (b[g] as number)) ** 2;
  return sum;
}

/** k-means with a k-means++ start: each next centre drawn with probability ∝ squared distance to the nearest one. */
function kMeans(points: readonly Float64Array[], k: number, random: () => number): { centroids: Float64Array[]; assignment: Int32Array } {
  const centroids = [Float64Array.from(points[Math.floor(random() * points.length)] ?? [])];
  while (centroids.length < Math.min(k, points.length)) {
    const d2 = points.map((p) => Math.min(...centroids.map((c) => squaredDistance(p, c))));
    let pick = random() * d2.reduce((a, b) => a + b, 0);
    let chosen = 0;
    for (; chosen < d2.length - 1; chosen++) if ((pick -= d2[chosen] as number) <= 0) break;
    centroids.push(Float64Array.from(points[chosen] as Float64Array));
  }
  const nearest = (p: Float64Array) => {
    let best = 0;
    for (let c = 1; c < centroids.length; c++) if (squaredDistance(p, centroids[c] as Float64Array) < squaredDistance(p, centroids[best] as Float64Array)) best = c;
    return best;
  };
  let assignment = Int32Array.from(points, nearest);
  for (let step = 0; step < LLOYD_STEPS; step++) {
    centroids.forEach((_, c) => {
      const mine = points.filter((_, i) => assignment[i] === c);
      if (mine.length === 0) return;
      const mean = new Float64Array(mine[0]?.length ?? 0);
      for (const p of mine) for (let g = 0; g < mean.length; g++) mean[g] = (mean[g] as number) + (p[g] as number) / mine.length;
      centroids[c] = mean;
    });
    assignment = Int32Array.from(points, nearest);
  }
  return { centroids, assignment };
}
