// Inferred interests: the user's embedded history clustered into topics, each labelled with the words that set it
// apart from the other topics and weighted by how often and how lately the user came back to it.
//
// Forgetting is exact. The clustering is a pure function of the items held now (visited in id order, seeded), so a
// model that had an item removed is indistinguishable from one that never saw it: same clusters, labels, weights.
// Only the opaque interest ids remember history, by design: they carry over from the previous fit to the cluster
// that shares most members with it, so a chart keeps its series across small updates.
//
// The fit: spherical k-means with k = round(√(n/2)) ≤ 12 (k-means++ seeds, leave-one-out Lloyd passes), then
// clusters too small to be an interest are dissolved and over-split topics merged (see mergeSimilar), then a refit.
// Adding is cheap (a copy and a term count); the clustering runs lazily on the next `interests()` after a change.
// At 10,000 items of 100 dimensions a fit took 0.25–0.4 s in Node on a busy two-core machine (each Lloyd pass is
// n·k·d multiply-adds); callers refresh the profile, not every keystroke.
import { InvalidInputError } from './errors';
import { ENGLISH_STOP_WORDS } from './tokenizer';
import { seededRandom } from './seeded-random';

export interface InterestItem {
  /** The event id; it is what `Interest.eventIds` returns for provenance and what `remove` takes. */
  id: string;
  /** The event's embedding; normalised on the way in (a zero vector is refused). */
  vector: Float32Array;
  /** The event's terms, e.g. `wordsTokenizer.terms(text)` (repeats count) or `wordsTokenizer.termFrequencies(text)`. */
  terms: readonly string[] | ReadonlyMap<string, number>;
  /** When it happened, in milliseconds since the epoch. */
  ts: number;
}

export interface Interest {
  /** Stable across small updates: it follows the cluster that keeps most of its members. */
  id: string;
  /** The most distinctive terms of the cluster (c-TF-IDF), best first. */
  label: string[];
  /** Share of the user's recency-weighted activity; the weights of all interests sum to 1. */
  weight: number;
  count: number;
  lastSeen: number;
  /** Members per time bucket, oldest first; the last bucket ends at `now`. */
  trend: number[];
  /** Unit-length mean direction of the members. */
  centroid: Float32Array;
  /** The members, most recent first. */
  eventIds: string[];
}

export interface InterestOptions {
  /** Seeds k-means++; with the same seed and the same items the result is the same. Default 1. */
  seed?: number;
  /** Most clusters fitted (k = round(√(n/2)), capped here). Default 12. */
  maxInterests?: number;
  /** Clusters smaller than this share of all items (and never under 3 members) are dissolved. Default 0.03. */
  minClusterShare?: number;
  /** An item this old counts half as much as one from `now`. Default 30 days. */
  halfLifeDays?: number;
  /** Terms per label. Default 5. */
  labelSize?: number;
  /** Trend buckets. Default 12. */
  trendBuckets?: number;
  /** Trend bucket width in milliseconds. Default one week. */
  bucketMs?: number;
  /** Terms never used as labels (numbers and one-character terms never are). Default: the tokenizer's English list. */
  stopWords?: ReadonlySet<string>;
}

/** Structured-clone friendly (IndexedDB, postMessage); `vectors` holds the items' vectors back to back. */
export interface InterestModelSnapshot {
  version: 1;
  dimension: number;
  items: { id: string; ts: number; terms: [string, number][]; interest?: string }[];
  vectors: Float32Array;
  nextInterest: number;
}

const DAY_MS = 86_400_000;
const MAX_LLOYD_PASSES = 50;
const REFINE_PASSES = 20;
/** Clusters whose topic directions are this close (cosine, noise removed: see mergeSimilar) are one interest. */
const MERGE_SIMILARITY = 0.7;
const MERGE_ROUNDS = 3;
/**
 * In many dimensions k-means can gather a few unrelated points whose noise happens to align; three members (and
 * a share of the history, see minClusterShare) is the least that is taken for an interest.
 */
const MIN_CLUSTER_SIZE = 3;
/** Share of a new cluster's and an old one's members, together, that they must have in common to keep the id. */
const MIN_ID_OVERLAP = 0.3;
const NUMBER_LIKE = /^[\p{N}.,:/+\-%]+$/u;

interface StoredItem {
  id: string;
  vector: Float32Array;
  terms: Map<string, number>;
  ts: number;
}

interface FittedCluster {
  id: string;
  members: StoredItem[];
  centroid: Float32Array;
  label: string[];
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Spherical k-means over `data` (n unit rows of d). Clusters are kept as sums of their members: a centroid is the
 * sum's direction, and merging or moving members is a vector addition.
 */
class SphericalKMeans {
  readonly assign: Int32Array;
  sums: Float64Array[] = [];
  counts: number[] = [];
  centroids: Float32Array[] = [];

  constructor(
    private readonly data: Float32Array,
    private readonly n: number,
    private readonly d: number,
  ) {
    this.assign = new Int32Array(n).fill(-1);
  }

  private dot(row: number, centroid: Float32Array): number {
    const { data, d } = this;
    const offset = row * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += (data[offset + j] as number) * (centroid[j] as number);
    return s;
  }

  /** k-means++ seeding with 1 − cosine as the distance; stops early when every point sits on a centre. */
  seed(k: number, random: () => number): void {
    const { n, d, data } = this;
    const nearest = new Float64Array(n).fill(Infinity);
    const centres: Float32Array[] = [];
    let pick = Math.min(n - 1, Math.floor(random() * n));
    while (centres.length < k) {
      const centre = data.slice(pick * d, pick * d + d);
      centres.push(centre);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const distance = Math.max(0, 1 - this.dot(i, centre));
        const current = Math.min(nearest[i] ?? Infinity, distance);
        nearest[i] = current;
        total += current * current;
      }
      if (centres.length === k || total <= 1e-12) break;
      let target = random() * total;
      pick = n - 1;
      for (let i = 0; i < n; i++) {
        const weight = (nearest[i] ?? 0) ** 2;
        target -= weight;
        if (target < 0 && weight > 0) {
          pick = i;
          break;
        }
      }
    }
    this.centroids = centres;
  }

  /**
   * Lloyd passes until at most `tolerance` points move; a cluster left without points is dropped.
   *
   * A point is compared with its own cluster *without itself* (leave-one-out): in many dimensions and small
   * clusters a point's own share of its centroid outweighs the topic they share, so plain Lloyd lets a handful of
   * unrelated outliers hold on to each other as a cluster. Left out, a point stays only if the rest of its cluster
   * is nearer than any other cluster.
   */
  lloyd(maxPasses: number, tolerance: number): void {
    const { n, d, data, assign } = this;
    if (this.sums.length === 0) this.sums = this.centroids.map((centroid) => Float64Array.from(centroid));
    for (let pass = 0; pass < maxPasses; pass++) {
      const k = this.sums.length;
      const flat = new Float64Array(k * d);
      const norms = new Float64Array(k);
      this.sums.forEach((sum, c) => {
        flat.set(sum, c * d);
        norms[c] = dot64(sum, sum);
      });
      let moved = 0;
      for (let i = 0, offset = 0; i < n; i++, offset += d) {
        const own = assign[i] as number;
        let best = own;
        let bestScore = -Infinity;
        for (let c = 0, base = 0; c < k; c++, base += d) {
          // The assignment loop is the whole cost of a fit (n·k·d multiply-adds): four accumulators let it pipeline.
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          let j = 0;
          for (; j + 3 < d; j += 4) {
            s0 += (data[offset + j] as number) * (flat[base + j] as number);
            s1 += (data[offset + j + 1] as number) * (flat[base + j + 1] as number);
            s2 += (data[offset + j + 2] as number) * (flat[base + j + 2] as number);
            s3 += (data[offset + j + 3] as number) * (flat[base + j + 3] as number);
          }
          for (; j < d; j++) s0 += (data[offset + j] as number) * (flat[base + j] as number);
          const t = s0 + s1 + s2 + s3;
          const squared = norms[c] as number;
          let score: number;
          if (c === own) {
            const rest = Math.sqrt(Math.max(0, squared - 2 * t + 1));
            score = rest > 1e-9 ? (t - 1) / rest : -Infinity;
          } else score = squared > 0 ? t / Math.sqrt(squared) : -Infinity;
          if (score > bestScore) {
            best = c;
            bestScore = score;
          }
        }
        if (best !== own) moved++;
        assign[i] = best;
      }
      this.sums = Array.from({ length: k }, () => new Float64Array(d));
      this.counts = new Array<number>(k).fill(0);
      for (let i = 0, offset = 0; i < n; i++, offset += d) {
        const c = assign[i] as number;
        const sum = this.sums[c] as Float64Array;
        for (let j = 0; j < d; j++) sum[j] = (sum[j] as number) + (data[offset + j] as number);
        this.counts[c] = (this.counts[c] as number) + 1;
      }
      this.dropEmpty();
      this.centroids = this.sums.map(direction);
      if (moved <= tolerance) break;
    }
  }

  private dropEmpty(): void {
    const keep: number[] = [];
    this.counts.forEach((count, c) => {
      if (count > 0) keep.push(c);
    });
    if (keep.length === this.counts.length) return;
    const renumber = new Int32Array(this.counts.length).fill(-1);
    keep.forEach((c, index) => (renumber[c] = index));
    for (let i = 0; i < this.n; i++) this.assign[i] = renumber[this.assign[i] ?? 0] ?? 0;
    this.sums = keep.map((c) => this.sums[c] as Float64Array);
    this.counts = keep.map((c) => this.counts[c] ?? 0);
    this.centroids = keep.map((c) => this.centroids[c] as Float32Array);
  }

  /**
   * Dissolves clusters under `minSize`, smallest first: each member moves to the nearest remaining centre. Too few
   * members to be an interest of their own, and too few to label (a label needs words two members share).
   */
  dissolveSmall(minSize: number): void {
    while (this.counts.length > 1) {
      let smallest = -1;
      this.counts.forEach((count, c) => {
        if (count < minSize && (smallest < 0 || count < (this.counts[smallest] ?? 0))) smallest = c;
      });
      if (smallest < 0) return;
      for (let i = 0; i < this.n; i++) {
        if (this.assign[i] !== smallest) continue;
        let best = -1;
        let bestScore = -Infinity;
        for (let c = 0; c < this.centroids.length; c++) {
          if (c === smallest) continue;
          const score = this.dot(i, this.centroids[c] as Float32Array);
          if (score > bestScore) [best, bestScore] = [c, score];
        }
        this.moveRow(i, best);
      }
      this.dropEmpty();
      this.centroids = this.sums.map(direction);
    }
  }

  private moveRow(row: number, to: number): void {
    const from = this.assign[row] ?? 0;
    const offset = row * this.d;
    const source = this.sums[from] as Float64Array;
    const target = this.sums[to] as Float64Array;
    for (let j = 0; j < this.d; j++) {
      const value = this.data[offset + j] ?? 0;
      source[j] = (source[j] ?? 0) - value;
      target[j] = (target[j] ?? 0) + value;
    }
    this.counts[from] = (this.counts[from] ?? 0) - 1;
    this.counts[to] = (this.counts[to] ?? 0) + 1;
    this.assign[row] = to;
  }

  /**
   * Undoes over-splitting: k from √(n/2) is an upper bound, so a broad topic often comes out as several clusters.
   * The similarity of two clusters is the mean cosine between their members (one from each) over the geometric
   * mean of the mean cosine between two members of the same cluster. Members are a shared topic direction plus
   * their own noise, and both means are unbiased for any cluster size (pairs of distinct members only), so the
   * ratio estimates the cosine between the two clusters' topic directions with the noise taken out: near 1 for
   * halves of one topic, far lower for distinct topics, however noisy the members and however small the clusters.
   * (A raw centroid cosine would mostly measure the cluster sizes, which set how much of the noise averages out.)
   * Merges the most similar pair until none reaches `threshold`.
   */
  mergeSimilar(threshold: number): void {
    while (this.centroids.length > 1) {
      const k = this.centroids.length;
      const within = Array.from({ length: k }, (_, c) => {
        const count = this.counts[c] as number;
        const sum = this.sums[c] as Float64Array;
        return count < 2 ? 0 : (dot64(sum, sum) - count) / (count * (count - 1));
      });
      let bestA = -1;
      let bestB = -1;
      let best = threshold;
      for (let a = 0; a < k; a++) {
        for (let b = a + 1; b < k; b++) {
          const coherence = Math.sqrt((within[a] as number) * (within[b] as number));
          // A cluster whose members share no direction has nothing to compare; it stays as it is.
          if (!(coherence > 0)) continue;
          const between = dot64(this.sums[a] as Float64Array, this.sums[b] as Float64Array) / ((this.counts[a] as number) * (this.counts[b] as number));
          const similarity = between / coherence;
          if (similarity >= best) [bestA, bestB, best] = [a, b, similarity];
        }
      }
      if (bestA < 0) return;
      const into = this.sums[bestA] as Float64Array;
      const from = this.sums[bestB] as Float64Array;
      for (let j = 0; j < this.d; j++) into[j] = (into[j] as number) + (from[j] as number);
      this.counts[bestA] = (this.counts[bestA] as number) + (this.counts[bestB] as number);
      this.counts[bestB] = 0;
      for (let i = 0; i < this.n; i++) if (this.assign[i] === bestB) this.assign[i] = bestA;
      this.dropEmpty();
      this.centroids = this.sums.map(direction);
    }
  }
}

function dot64(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] as number) * (b[j] as number);
  return s;
}

function norm(vector: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < vector.length; j++) s += (vector[j] ?? 0) ** 2;
  return Math.sqrt(s);
}

function direction(sum: Float64Array): Float32Array {
  const length = norm(sum);
  const out = new Float32Array(sum.length);
  if (length > 0) for (let j = 0; j < sum.length; j++) out[j] = (sum[j] ?? 0) / length;
  return out;
}

/**
 * Class-based TF-IDF (Grootendorst, BERTopic): a term's share of its cluster's words × log(1 + A / f), where A is
 * the average number of words per cluster and f the term's count over all clusters. A word every cluster uses
 * scores low everywhere; a word concentrated in one cluster scores high there. A label term must occur in two
 * members (one, in a cluster of one), so a single long note cannot name a topic with its own vocabulary.
 */
function labelClusters(clusters: readonly (readonly StoredItem[])[], labelSize: number): string[][] {
  const perCluster = clusters.map((members) => {
    const counts = new Map<string, { tf: number; df: number }>();
    let total = 0;
    for (const member of members) {
      for (const [term, count] of member.terms) {
        const entry = counts.get(term);
        if (entry) {
          entry.tf += count;
          entry.df++;
        } else counts.set(term, { tf: count, df: 1 });
        total += count;
      }
    }
    return { counts, total, minDf: Math.min(2, members.length) };
  });
  const across = new Map<string, number>();
  let words = 0;
  for (const { counts, total } of perCluster) {
    words += total;
    for (const [term, { tf }] of counts) across.set(term, (across.get(term) ?? 0) + tf);
  }
  const average = words / Math.max(1, clusters.length);
  return perCluster.map(({ counts, total, minDf }) => {
    const scored: { term: string; score: number }[] = [];
    for (const [term, { tf, df }] of counts) {
      if (df < minDf) continue;
      scored.push({ term, score: (tf / total) * Math.log(1 + average / (across.get(term) ?? tf)) });
    }
    scored.sort((a, b) => b.score - a.score || byCodeUnits(a.term, b.term));
    return scored.slice(0, labelSize).map(({ term }) => term);
  });
}

function positiveOption(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new InvalidInputError(`options.${field}`, 'must be a positive finite number');
  return value;
}

function integerOption(value: number | undefined, fallback: number, field: string): number {
  const resolved = positiveOption(value, fallback, field);
  if (!Number.isInteger(resolved)) throw new InvalidInputError(`options.${field}`, 'must be a positive integer');
  return resolved;
}

export class InterestModel {
  private readonly items = new Map<string, StoredItem>();
  private dimension: number | undefined;
  private fitted: FittedCluster[] | undefined;
  /** Each current item's interest id at the last fit: what the next fit's ids are matched against. */
  private readonly previousInterest = new Map<string, string>();
  private nextInterest = 1;

  private readonly seed: number;
  private readonly maxInterests: number;
  private readonly minClusterShare: number;
  private readonly halfLifeMs: number;
  private readonly labelSize: number;
  private readonly trendBuckets: number;
  private readonly bucketMs: number;
  private readonly stopWords: ReadonlySet<string>;

  constructor(options: InterestOptions = {}) {
    if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new InvalidInputError('options.seed', 'must be an integer');
    this.seed = options.seed ?? 1;
    this.maxInterests = integerOption(options.maxInterests, 12, 'maxInterests');
    this.minClusterShare = options.minClusterShare ?? 0.03;
    if (!(this.minClusterShare >= 0 && this.minClusterShare < 1)) throw new InvalidInputError('options.minClusterShare', 'must be in [0, 1)');
    this.halfLifeMs = positiveOption(options.halfLifeDays, 30, 'halfLifeDays') * DAY_MS;
    this.labelSize = integerOption(options.labelSize, 5, 'labelSize');
    this.trendBuckets = integerOption(options.trendBuckets, 12, 'trendBuckets');
    this.bucketMs = positiveOption(options.bucketMs, 7 * DAY_MS, 'bucketMs');
    this.stopWords = options.stopWords ?? ENGLISH_STOP_WORDS;
  }

  get size(): number {
    return this.items.size;
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  /** Adds items, or replaces those whose id is already held. The whole batch is checked before any is kept. */
  add(items: InterestItem | readonly InterestItem[]): void {
    const batch = Array.isArray(items) ? (items as readonly InterestItem[]) : [items as InterestItem];
    let dimension = this.items.size > 0 ? this.dimension : undefined;
    const prepared = batch.map((item, index) => {
      const stored = this.prepare(item, `items[${index}]`, dimension);
      dimension = stored.vector.length;
      return stored;
    });
    if (prepared.length === 0) return;
    this.dimension = dimension;
    for (const stored of prepared) this.items.set(stored.id, stored);
    this.fitted = undefined;
  }

  /** Forgets items: nothing derived from them survives the next `interests()`. Returns how many were held. */
  remove(ids: string | readonly string[]): number {
    let removed = 0;
    for (const id of typeof ids === 'string' ? [ids] : ids) {
      if (!this.items.delete(id)) continue;
      this.previousInterest.delete(id);
      removed++;
    }
    if (removed > 0) this.fitted = undefined;
    return removed;
  }

  /** The interests as of `now` (ms since the epoch), heaviest first. */
  interests(now: number): Interest[] {
    if (!Number.isFinite(now)) throw new InvalidInputError('now', 'must be a finite number of milliseconds');
    this.fitted ??= this.fit();
    const decayed = this.fitted.map(({ members }) => members.reduce((sum, m) => sum + 0.5 ** (Math.max(0, now - m.ts) / this.halfLifeMs), 0));
    let total = decayed.reduce((a, b) => a + b, 0);
    // Only history older than centuries underflows to zero; then frequency alone decides.
    const useCounts = total === 0;
    if (useCounts) total = this.items.size;
    const interests = this.fitted.map((cluster, c): Interest => {
      const trend = new Array<number>(this.trendBuckets).fill(0);
      let lastSeen = -Infinity;
      for (const member of cluster.members) {
        lastSeen = Math.max(lastSeen, member.ts);
        // A timestamp after `now` (another device's clock) counts in the newest bucket.
        const bucket = this.trendBuckets - 1 - Math.floor(Math.max(0, now - member.ts) / this.bucketMs);
        if (bucket >= 0) trend[bucket] = (trend[bucket] ?? 0) + 1;
      }
      const eventIds = [...cluster.members].sort((a, b) => b.ts - a.ts || byCodeUnits(a.id, b.id)).map((m) => m.id);
      return {
        id: cluster.id,
        label: [...cluster.label],
        weight: (useCounts ? cluster.members.length : (decayed[c] ?? 0)) / total,
        count: cluster.members.length,
        lastSeen,
        trend,
        centroid: cluster.centroid.slice(),
        eventIds,
      };
    });
    return interests.sort((a, b) => b.weight - a.weight || byCodeUnits(a.id, b.id));
  }

  serialize(): InterestModelSnapshot {
    const items = [...this.items.values()].sort((a, b) => byCodeUnits(a.id, b.id));
    const dimension = this.dimension ?? 0;
    const vectors = new Float32Array(items.length * dimension);
    items.forEach((item, i) => {
      vectors.set(item.vector, i * dimension);
    });
    return {
      version: 1,
      dimension,
      items: items.map((item) => {
        const interest = this.previousInterest.get(item.id);
        const terms = [...item.terms];
        return interest === undefined ? { id: item.id, ts: item.ts, terms } : { id: item.id, ts: item.ts, terms, interest };
      }),
      vectors,
      nextInterest: this.nextInterest,
    };
  }

  static deserialize(snapshot: InterestModelSnapshot, options: InterestOptions = {}): InterestModel {
    const model = new InterestModel(options);
    const { version, dimension, items, vectors, nextInterest } = snapshot;
    // Snapshots come back from storage, written by whatever build stored them: the types are a hope, not a fact.
    if ((version as number) !== 1) throw new InvalidInputError('snapshot.version', `is ${String(version)}; this build reads version 1`);
    if (!Array.isArray(items)) throw new InvalidInputError('snapshot.items', 'must be an array');
    if (!Number.isInteger(dimension) || dimension < 0 || (items.length > 0 && dimension === 0)) {
      throw new InvalidInputError('snapshot.dimension', 'must be a positive integer');
    }
    if (!(vectors instanceof Float32Array) || vectors.length !== items.length * dimension) {
      throw new InvalidInputError('snapshot.vectors', `must be a Float32Array of ${items.length} × ${dimension} values`);
    }
    if (!Number.isInteger(nextInterest) || nextInterest < 1) throw new InvalidInputError('snapshot.nextInterest', 'must be a positive integer');
    model.add(
      items.map((item, i) => ({
        id: item.id,
        ts: item.ts,
        vector: vectors.subarray(i * dimension, (i + 1) * dimension),
        terms: new Map(Array.isArray(item.terms) ? item.terms : []),
      })),
    );
    for (const item of items) if (typeof item.interest === 'string') model.previousInterest.set(item.id, item.interest);
    model.nextInterest = nextInterest;
    return model;
  }

  private prepare(item: InterestItem, field: string, dimension: number | undefined): StoredItem {
    if (typeof item !== 'object') throw new InvalidInputError(field, 'must be an object');
    const { id, vector, terms, ts } = item;
    if (typeof id !== 'string' || id.length === 0) throw new InvalidInputError(`${field}.id`, 'must be a non-empty string');
    if (!Number.isFinite(ts)) throw new InvalidInputError(`${field}.ts`, 'must be a finite number of milliseconds');
    if (!(vector instanceof Float32Array) || vector.length === 0) throw new InvalidInputError(`${field}.vector`, 'must be a non-empty Float32Array');
    if (dimension !== undefined && vector.length !== dimension) {
      throw new InvalidInputError(`${field}.vector`, `has ${vector.length} dimensions; the model holds vectors of ${dimension}`);
    }
    const length = norm(vector);
    if (!Number.isFinite(length) || length === 0) throw new InvalidInputError(`${field}.vector`, 'must be finite and not all zeros');
    const unit = new Float32Array(vector.length);
    for (let j = 0; j < vector.length; j++) unit[j] = (vector[j] ?? 0) / length;
    return { id, ts, vector: unit, terms: this.labelTerms(terms, `${field}.terms`) };
  }

  /** Only the terms a label may use are kept: less memory, and nothing to filter at every fit. */
  private labelTerms(terms: InterestItem['terms'], field: string): Map<string, number> {
    const kept = new Map<string, number>();
    const keep = (term: unknown, count: number): void => {
      if (typeof term !== 'string') throw new InvalidInputError(field, 'must hold strings');
      if (!Number.isFinite(count) || count < 0) throw new InvalidInputError(field, `gives "${term}" a count that is not a non-negative number`);
      if (count === 0 || this.stopWords.has(term) || NUMBER_LIKE.test(term)) return;
      let characters = 0;
      for (const _ of term) if (++characters > 1) break;
      if (characters < 2) return;
      kept.set(term, (kept.get(term) ?? 0) + count);
    };
    if (terms instanceof Map) for (const [term, count] of terms as ReadonlyMap<string, number>) keep(term, count);
    else if (Array.isArray(terms)) for (const term of terms as readonly string[]) keep(term, 1);
    else throw new InvalidInputError(field, 'must be an array of terms or a Map of term counts');
    return kept;
  }

  private fit(): FittedCluster[] {
    const items = [...this.items.values()].sort((a, b) => byCodeUnits(a.id, b.id));
    const n = items.length;
    if (n === 0) return [];
    const d = this.dimension ?? 0;
    const data = new Float32Array(n * d);
    items.forEach((item, i) => {
      data.set(item.vector, i * d);
    });
    const kmeans = new SphericalKMeans(data, n, d);
    kmeans.seed(Math.min(this.maxInterests, n, Math.max(1, Math.round(Math.sqrt(n / 2)))), seededRandom(this.seed));
    // The first fit stops early: its long tail of passes that move a handful of points only shifts the border
    // between two halves of one topic, which the merge joins anyway. The refit after the merge runs to the end.
    kmeans.lloyd(MAX_LLOYD_PASSES, Math.floor(n / 200));
    const minSize = Math.max(MIN_CLUSTER_SIZE, Math.ceil(this.minClusterShare * n));
    kmeans.dissolveSmall(minSize);
    // A refit moves members between the merged clusters, which can leave two of them similar enough to merge.
    for (let round = 0; round < MERGE_ROUNDS; round++) {
      const before = kmeans.centroids.length;
      kmeans.mergeSimilar(MERGE_SIMILARITY);
      kmeans.lloyd(REFINE_PASSES, 0);
      kmeans.dissolveSmall(minSize);
      if (kmeans.centroids.length === before) break;
      kmeans.lloyd(REFINE_PASSES, 0);
    }

    const groups: StoredItem[][] = kmeans.centroids.map(() => []);
    items.forEach((item, i) => groups[kmeans.assign[i] ?? 0]?.push(item));
    const labels = labelClusters(groups, this.labelSize);
    // Clusters in the order of their first member (items are in id order), so new ids are handed out the same way
    // whatever order the items arrived in.
    const order = groups.map((_, c) => c).filter((c) => (groups[c]?.length ?? 0) > 0);
    const ids = this.matchIds(order.map((c) => groups[c] ?? []));
    const clusters = order.map((c, index): FittedCluster => ({
      id: ids[index] ?? '',
      members: groups[c] ?? [],
      centroid: kmeans.centroids[c] ?? new Float32Array(d),
      label: labels[c] ?? [],
    }));
    this.previousInterest.clear();
    for (const cluster of clusters) for (const member of cluster.members) this.previousInterest.set(member.id, cluster.id);
    return clusters;
  }

  /** Greedy matching on member overlap (Jaccard), best pairs first; what is left gets a new id. */
  private matchIds(groups: readonly (readonly StoredItem[])[]): string[] {
    const oldSizes = new Map<string, number>();
    for (const id of this.previousInterest.values()) oldSizes.set(id, (oldSizes.get(id) ?? 0) + 1);
    const pairs: { group: number; old: string; jaccard: number }[] = [];
    groups.forEach((members, group) => {
      const overlaps = new Map<string, number>();
      for (const member of members) {
        const old = this.previousInterest.get(member.id);
        if (old !== undefined) overlaps.set(old, (overlaps.get(old) ?? 0) + 1);
      }
      for (const [old, overlap] of overlaps) {
        const jaccard = overlap / (members.length + (oldSizes.get(old) ?? 0) - overlap);
        if (jaccard >= MIN_ID_OVERLAP) pairs.push({ group, old, jaccard });
      }
    });
    pairs.sort((a, b) => b.jaccard - a.jaccard || a.group - b.group || byCodeUnits(a.old, b.old));
    const ids = new Array<string | undefined>(groups.length);
    const taken = new Set<string>();
    for (const { group, old } of pairs) {
      if (ids[group] !== undefined || taken.has(old)) continue;
      ids[group] = old;
      taken.add(old);
    }
    return Array.from(ids, (id) => id ?? `interest-${this.nextInterest++}`);
  }
}
