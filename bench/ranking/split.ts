// Leave-one-out splits and sampled negatives for the MovieLens ranking protocol (../shared/datasets/README.md):
// each user's latest rating is the test item, ranked against N items the user never rated, sampled with a fixed seed.
// A second, validation fold holds out each user's second-latest rating from the training split only, so
// hyper-parameters are chosen without ever looking at a test item.
import { seededRandom } from '../../tests/support/seeded-random.ts';
import type { Dataset, Rating } from './data.ts';

/** One user's training history, oldest first. */
export interface UserHistory {
  readonly user: number;
  readonly ratings: readonly Rating[];
}

/** One held-out item to rank: candidates are [target, ...negatives.subarray(0, n)]. */
export interface EvalCase {
  readonly history: UserHistory;
  readonly target: number;
  /** Sampled negatives, distinct, never rated by the user; the first 19 are the 19-negative sample. */
  readonly negatives: Int32Array;
}

export interface Fold {
  readonly name: 'validation' | 'test';
  /** Every training interaction of this fold (all users), for centralized models. */
  readonly train: readonly Rating[];
  /** Training history per dense user index (empty for a user with nothing left to train on). */
  readonly histories: readonly UserHistory[];
  readonly cases: readonly EvalCase[];
  /** Users with too few ratings to hold one out here. */
  readonly skippedUsers: number;
}

export interface Split {
  readonly validation: Fold;
  readonly test: Fold;
  /** Items with at least one rating anywhere: the pool negatives are drawn from. */
  readonly catalogue: Int32Array;
  /** Every item each user rated (train, validation and test), sorted, for "never rated" checks. */
  readonly rated: readonly Int32Array[];
  readonly duplicateRatings: number;
}

export const MAX_NEGATIVES = 100;

/**
 * Per user, ratings sorted oldest first. MovieLens has many ratings with the same timestamp (bulk rating sessions);
 * those ties are broken by item index (= ascending movieId), so "latest" is deterministic and independent of file
 * order. A repeated (user, item) keeps only its latest rating, so an item can never be both history and target.
 */
function byUser(dataset: Dataset): { perUser: Rating[][]; duplicates: number } {
  const perUser: Rating[][] = dataset.userIds.map(() => []);
  for (const r of dataset.ratings) perUser[r.user]?.push(r);
  let duplicates = 0;
  const order = (a: Rating, b: Rating): number => a.timestamp - b.timestamp || a.item - b.item;
  for (let u = 0; u < perUser.length; u++) {
    const list = (perUser[u] ?? []).sort(order);
    const latest = new Map<number, Rating>();
    for (const r of list) latest.set(r.item, r);
    if (latest.size !== list.length) {
      duplicates += list.length - latest.size;
      perUser[u] = [...latest.values()].sort(order);
    }
  }
  return { perUser, duplicates };
}

/** Whether the ascending `sorted` holds `x` (binary search). */
export function contains(sorted: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid] as number;
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * `count` distinct items from `catalogue` that the user never rated, in draw order (so any prefix is itself a uniform
 * sample without replacement: the first 19 serve as the 19-negative sample). Rejection sampling is cheap because a
 * user has rated a small share of the catalogue; a user who has rated nearly all of it gets every unrated item.
 */
export function sampleNegatives(
  catalogue: Int32Array,
  rated: Int32Array,
  count: number,
  random: () => number,
): Int32Array {
  const unrated = catalogue.length - rated.length;
  if (unrated <= count) {
    const all = Array.from(catalogue).filter((i) => !contains(rated, i));
    return Int32Array.from(all);
  }
  const out = new Int32Array(count);
  const taken = new Set<number>();
  let n = 0;
  while (n < count) {
    const item = catalogue[Math.floor(random() * catalogue.length)] as number;
    if (taken.has(item) || contains(rated, item)) continue;
    taken.add(item);
    out[n++] = item;
  }
  return out;
}

function fold(
  name: Fold['name'],
  perUser: readonly Rating[][],
  holdOut: number,
  catalogue: Int32Array,
  rated: readonly Int32Array[],
  seed: number,
): Fold {
  // One PRNG stream per fold, walked in user order: the negatives depend only on the seed and the data.
  const random = seededRandom(seed);
  const train: Rating[] = [];
  const histories: UserHistory[] = [];
  const cases: EvalCase[] = [];
  let skippedUsers = 0;
  for (let u = 0; u < perUser.length; u++) {
    const list = perUser[u] ?? [];
    const kept = list.slice(0, Math.max(0, list.length - holdOut));
    // The target is the last of the held-out ratings; anything after it (the test item, in the validation fold) is
    // neither history nor target. A user needs at least one history rating besides the target to be evaluated.
    const target = list[list.length - holdOut];
    if (kept.length === 0 || !target) {
      skippedUsers++;
      // Too short to evaluate here, but it still trains the centralized models: everything except its test item
      // (a one-rating user has no test item, so its rating is training data in both folds).
      const ratings = list.length >= 2 ? list.slice(0, -1) : list;
      histories.push({ user: u, ratings });
      train.push(...ratings);
      continue;
    }
    const history: UserHistory = { user: u, ratings: kept };
    histories.push(history);
    train.push(...kept);
    cases.push({ history, target: target.item, negatives: sampleNegatives(catalogue, rated[u] ?? new Int32Array(), MAX_NEGATIVES, random) });
  }
  return { name, train, histories, cases, skippedUsers };
}

/** Test fold: latest rating held out (seed). Validation fold: second-latest held out of training (seed + 1). */
export function leaveOneOut(dataset: Dataset, seed: number): Split {
  const { perUser, duplicates } = byUser(dataset);
  const rated = perUser.map((list) => Int32Array.from(list.map((r) => r.item)).sort());
  const counted = new Uint8Array(dataset.items.length);
  for (const r of dataset.ratings) counted[r.item] = 1;
  const catalogue = Int32Array.from(counted.keys()).filter((i) => counted[i] === 1);
  return {
    test: fold('test', perUser, 1, catalogue, rated, seed),
    validation: fold('validation', perUser, 2, catalogue, rated, seed + 1),
    catalogue,
    rated,
    duplicateRatings: duplicates,
  };
}

/**
 * The split restricted to a fixed, seeded subset of `count` evaluated users (the same users in both folds), for fast
 * iteration. Training data (histories, train) is untouched: centralized models and host factors see what they would
 * in a full run; only the evaluated cases shrink.
 */
export function subsetUsers(split: Split, count: number, seed: number): Split {
  const users = [...new Set(split.test.cases.map((c) => c.history.user))];
  const random = seededRandom(seed + 7);
  for (let i = users.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [users[i], users[j]] = [users[j] as number, users[i] as number];
  }
  const keep = new Set(users.slice(0, count));
  const only = (f: Fold): Fold => ({ ...f, cases: f.cases.filter((c) => keep.has(c.history.user)) });
  return { ...split, test: only(split.test), validation: only(split.validation) };
}
