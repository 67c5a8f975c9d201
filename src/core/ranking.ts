// Personalized ranking of a host's items (the `rank()` core): each candidate gets a score blended from
//   personal — content affinity (the candidate's embedding against a profile built from the user's own history, plus
//              its nearest liked item), a local fold-in of the user's factor against the host's item factors
//              (fold-in.ts: the history never leaves the device) and, when given, the on-device preference model;
//   priors   — the persona prior and the global popularity prior.
// Every component is normalised within the candidate list (z-scores, or ranks) so that weights mean the same thing
// whatever the raw scale, and the two groups are mixed by empirical-Bayes shrinkage (granularity.ts): personal
// components count n / (n + k) after n interactions, so the priors carry a cold user and the history a warm one.
// Optional MMR then diversifies the head of the list, and every item says why it is there.
//
// Cost: the candidates' vectors are packed once into one typed array; the content pass is one dot product per
// candidate with the profile and one with each of a bounded number of "anchor" items (the most liked and the most
// disliked), so a 500-item history costs about what a 50-item one does. 1,000 × 100-d candidates score in a few ms.
import { InvalidInputError } from './errors';
import { foldInUserFactor, foldInUserFactorBpr, type FoldInObservation } from './fold-in';
import { recencyWeight } from './fusion';
import { shrinkage } from './granularity';
import { withMatchedPersona, type RankPersona } from './rank-persona';
import type { PreferenceInput } from './preference-model';

export interface RankCandidate {
  id: string;
  /** Shown in nothing here; kept for the engine's optional LLM re-ranking. */
  text?: string;
  /** Content embedding (unit length preferred; normalised here either way). */
  vector?: ArrayLike<number>;
  /** The host's item factor, in the space its fold-in factors live in. */
  factor?: ArrayLike<number>;
  /** Global popularity: a share in 0..1, or raw counts (any value > 1 → all are read as counts, log-scaled). */
  popularity?: number;
  /** Categorical features (genres, tags, a release decade…) for the sparse TF-IDF channel; tokens are opaque strings. */
  features?: readonly string[];
  metadata?: Readonly<Record<string, unknown>>;
}

/** One item of the user's own history: a rating, or an implicit signal (click, read) when `rating` is absent. */
export interface RatedItem {
  id: string;
  vector?: ArrayLike<number>;
  factor?: ArrayLike<number>;
  /** Categorical features, as on candidates: the sparse channel builds the user's feature profile from them. */
  features?: readonly string[];
  /** On the options' rating scale (default 1–5). Absent → an implicit positive signal. */
  rating?: number;
  /** When it happened (ms since epoch), for recency. */
  ts: number;
  /** How reasons name the item ("because you rated The Matrix highly"); `text` (shortened), then the id, otherwise. */
  title?: string;
  text?: string;
}

export interface RankUser {
  rated: readonly RatedItem[];
  /** The clock, for recency (ms since epoch). */
  now: number;
  /** The matched persona's score per candidate id, or a function of the candidate; missing/undefined → neutral. */
  personaPrior?: Readonly<Record<string, number>> | ((candidate: RankCandidate) => number | undefined);
  /** The persona's name in reasons ("people like you (home cook) enjoy it"). */
  personaLabel?: string;
  /** Host personas: without a `personaPrior`, the user is matched to the nearest on the device (rank-persona.ts). */
  personas?: readonly RankPersona[];
  /** The on-device preference model (PreferenceModel fits): its probability enters as 2p − 1. */
  preference?: { score(input: PreferenceInput): number };
}

export interface BlendWeights {
  content: number;
  /** The sparse channel: TF-IDF over the items' categorical features, profile against candidate. */
  features: number;
  foldIn: number;
  preference: number;
  popularity: number;
  persona: number;
}

export interface RankOptions {
  /** Relative weights within each group (personal: content, features, foldIn, preference; priors: popularity, persona). */
  weights?: Partial<BlendWeights>;
  /** Interactions at which personal components get half the weight: n / (n + k). Default 10. */
  shrinkageK?: number;
  /** Half-life of a history item's influence, ms. Default 180 days; Infinity turns recency off. */
  halfLifeMs?: number;
  /**
   * Half-life counted in interactions: the k-th newest item (k = 0 for the newest) also weighs 0.5^(k / h). People
   * rate and browse in sessions, so "the last 10 things" often says more than "the last 90 days". Default Infinity (off).
   */
  halfLifeItems?: number;
  /** The rating scale; ratings are centred on the user's mean (shrunk toward the midpoint) and scaled by it. */
  ratingScale?: { min: number; max: number };
  /** What an implicit interaction (no rating) counts, on the centred −1..1 scale. Default 0.5. */
  implicitSignal?: number;
  /** Share of content affinity taken by the nearest liked / disliked item (the rest is the profile). Default 0.5. */
  neighbourWeight?: number;
  /** Most liked (and, separately, disliked) history items compared one by one with each candidate. Default 32. */
  maxAnchors?: number;
  /** Similarity to a liked item above which a reason names it. Default 0.3. */
  reasonMinSimilarity?: number;
  /**
   * Weight of a feature token (e.g. its IDF over the host's catalogue). Tokens missing here, or all of them without
   * it, get log((N + 1) / (df + 1)) + 1 over the candidates and the history (N items, df holding the token).
   */
  featureIdf?: Readonly<Record<string, number>>;
  /**
   * How much the rating moves a history item's pull in the feature profile: weight = recency × (1 + γ · signal), the
   * signal being the centred rating in about −1..1. 0: every interaction is an equal positive. Default 1.
   */
  featureRatingWeight?: number;
  /**
   * Share of the fold-in component taken by item-item similarity in the host's factor space: the candidate's factor
   * against the recency-weighted mean direction of the user's items' factors (each part z-scored). Default 0.
   */
  foldInNeighbourWeight?: number;
  /** Ridge strength of the local fold-in. Default 1. */
  foldInLambda?: number;
  /**
   * 'explicit' (default): the user's centred ratings are regression targets (host factors from rating prediction).
   * 'implicit': every item the user interacted with is a positive with confidence 1 + α·recency, and with
   * `foldInGram` (VᵀV of the host's catalogue factors) the rest count as weak negatives — the matching solve for
   * host factors learnt from implicit feedback (BPR, implicit ALS).
   */
  foldInMode?: 'explicit' | 'implicit' | 'bpr';
  foldInGram?: Float64Array;
  /**
   * 'bpr' mode's negatives: host items (a sample of its catalogue) as (id, factor); the user's own items are skipped.
   * Absent → the candidates not in the history.
   */
  foldInNegatives?: readonly { id: string; factor: ArrayLike<number> }[];
  /** 'bpr' mode: SGD passes over the history (default 100), step (0.05), L2 (0.005); the sampler's seed is fixed. */
  foldInEpochs?: number;
  foldInLearningRate?: number;
  foldInReg?: number;
  /** Implicit fold-in confidence per unit of recency weight. Default 10. */
  foldInAlpha?: number;
  /** 'z' (default): z-scores clipped to ±3. 'rank': ranks spread uniformly over ±√3 (same variance, robust). */
  normalization?: 'z' | 'rank';
  /** MMR trade-off λ in (0, 1]: relevance × λ − (1 − λ) × similarity to items above. Undefined → no MMR. */
  mmrLambda?: number;
  /** Positions MMR re-orders (the rest follow by score). Default min(limit, 50). */
  mmrDepth?: number;
  /** Items returned. Default all. */
  limit?: number;
}

export type RankComponent = keyof BlendWeights;
export type RankParts = Record<RankComponent, number>;
export type ReasonKind = 'liked-item' | 'content' | 'fold-in' | 'preference' | 'popularity' | 'persona' | 'explore';

export interface RankedItem {
  id: string;
  /** The blended score (sum of `parts`). With MMR the list order may differ from score order. */
  score: number;
  /** Each component's contribution to `score`: normalised value × its effective weight. */
  parts: RankParts;
  /** Why, in words: the largest positive part. */
  reason: string;
  reasonKind: ReasonKind;
  /** For 'liked-item': the history item named, and its similarity to the candidate. */
  because?: { id: string; similarity: number };
}

/** The scores of all candidates as typed arrays, in candidate order: what rankItems sorts, and what benchmarks read. */
export interface CandidateScores {
  score: Float64Array;
  parts: Record<RankComponent, Float64Array>;
  /** Per candidate: index into `user.rated` of the most similar liked item, −1 for none. */
  anchor: Int32Array;
  anchorSimilarity: Float64Array;
  /** The share the personal components got (n / (n + k), or 0/1 when one group is absent). */
  personalShare: number;
  /** Unit-normalised candidate vectors (n × dim, zeros where a candidate had none), for MMR. */
  vectors: Float32Array;
  dim: number;
}

const DEFAULT_WEIGHTS: BlendWeights = { content: 1, features: 1, foldIn: 1, preference: 0.5, popularity: 1, persona: 1 };
const PERSONAL: readonly RankComponent[] = ['content', 'features', 'foldIn', 'preference'];
const PRIOR: readonly RankComponent[] = ['popularity', 'persona'];
const COMPONENTS: readonly RankComponent[] = [...PERSONAL, ...PRIOR];
const DAY_MS = 86_400_000;
/** Pseudo-ratings at the scale's midpoint the user's mean is shrunk toward (a user who rated one item 5 is centred near 3, not at 5). */
const MEAN_PRIOR_COUNT = 3;
const Z_CLIP = 3;

/** Scores every candidate (no sorting, no per-candidate objects). Throws InvalidInputError on malformed input. */
export function scoreCandidates(candidates: readonly RankCandidate[], user: RankUser, options: RankOptions = {}): CandidateScores {
  const n = candidates.length;
  const weights = { ...DEFAULT_WEIGHTS, ...options.weights };
  for (const c of COMPONENTS) {
    if (!Number.isFinite(weights[c]) || weights[c] < 0) throw new InvalidInputError(`weights.${c}`, 'must be a finite number ≥ 0');
  }
  if (!Number.isFinite(user.now)) throw new InvalidInputError('user.now', 'must be a finite time in ms');
  const ids = new Set<string>();
  for (let i = 0; i < n; i++) {
    const id = (candidates[i] as RankCandidate).id;
    if (typeof id !== 'string' || id === '') throw new InvalidInputError(`candidates[${i}].id`, 'must be a non-empty string');
    if (ids.has(id)) throw new InvalidInputError(`candidates[${i}].id`, `"${id}" appears twice`);
    ids.add(id);
  }

  const signals = historySignals(user, options);
  const { vectors, dim } = packCandidateVectors(candidates);
  const raw: Record<RankComponent, Float64Array> = {
    content: new Float64Array(n).fill(Number.NaN),
    features: new Float64Array(n).fill(Number.NaN),
    foldIn: new Float64Array(n).fill(Number.NaN),
    preference: new Float64Array(n).fill(Number.NaN),
    popularity: new Float64Array(n).fill(Number.NaN),
    persona: new Float64Array(n).fill(Number.NaN),
  };
  const anchor = new Int32Array(n).fill(-1);
  const anchorSimilarity = new Float64Array(n);
  contentAffinity(candidates, user, signals, vectors, dim, options, raw.content, anchor, anchorSimilarity);
  featureAffinity(candidates, user, signals, options, raw.features);
  foldInAffinity(candidates, user, signals, options, raw.foldIn);
  preferenceAffinity(candidates, user, raw.preference);
  popularityPrior(candidates, raw.popularity);
  personaPrior(candidates, user, raw.persona);

  // Which components say anything (at least two distinct values would be needed to rank, but one present value is
  // still "present": its normalised value is 0, neutral).
  const present = (c: RankComponent) => weights[c] > 0 && raw[c].some((x) => !Number.isNaN(x));
  const personalWeight = PERSONAL.reduce((s, c) => s + (present(c) ? weights[c] : 0), 0);
  const priorWeight = PRIOR.reduce((s, c) => s + (present(c) ? weights[c] : 0), 0);
  const s = shrinkage(signals.count, options.shrinkageK ?? 10);
  // One group absent: the other takes all the weight (a user with history but no priors is still ranked by it).
  const personalShare = priorWeight === 0 ? 1 : personalWeight === 0 ? 0 : s;

  const score = new Float64Array(n);
  const parts = {} as Record<RankComponent, Float64Array>;
  const normalization = options.normalization ?? 'z';
  for (const c of COMPONENTS) {
    const out = new Float64Array(n);
    parts[c] = out;
    if (!present(c)) continue;
    const isPersonal = PERSONAL.includes(c);
    const effective = isPersonal ? (personalShare * weights[c]) / personalWeight : ((1 - personalShare) * weights[c]) / priorWeight;
    if (effective === 0) continue;
    const z = normalization === 'rank' ? rankNormalize(raw[c]) : zNormalize(raw[c]);
    for (let i = 0; i < n; i++) {
      const v = effective * (z[i] as number);
      out[i] = v;
      score[i] = (score[i] as number) + v;
    }
  }
  return { score, parts, anchor, anchorSimilarity, personalShare, vectors, dim };
}

/** Ranks candidates for the user: best first, each with its parts and reason. Deterministic (ties by id). */
export function rankItems(candidates: readonly RankCandidate[], rankUser: RankUser, options: RankOptions = {}): RankedItem[] {
  const user = withMatchedPersona(rankUser, rankUser.personas);
  const n = candidates.length;
  const limit = Math.min(n, Math.max(0, Math.floor(options.limit ?? n)));
  const scores = scoreCandidates(candidates, user, options);
  const order = Array.from({ length: n }, (_, i) => i);
  const byScore = (a: number, b: number) =>
    (scores.score[b] as number) - (scores.score[a] as number) || compareIds((candidates[a] as RankCandidate).id, (candidates[b] as RankCandidate).id);
  order.sort(byScore);
  let picked = order;
  const { mmrLambda } = options;
  if (mmrLambda !== undefined) {
    if (!(mmrLambda > 0 && mmrLambda <= 1)) throw new InvalidInputError('mmrLambda', 'must be in (0, 1]');
    const depth = Math.min(limit, Math.max(0, Math.floor(options.mmrDepth ?? Math.min(limit, 50))));
    picked = diversify(order, scores, mmrLambda, depth);
  }
  const out: RankedItem[] = [];
  for (let r = 0; r < limit; r++) out.push(describe(picked[r] as number, candidates, user, scores, options));
  return out;
}

/**
 * The benchmark's adapter: one score per candidate, in candidate order, from a history and a candidate list (higher
 * is better; no MMR, which is a list-level re-ordering that scores cannot express).
 */
export function scoreForBench(
  history: readonly RatedItem[],
  candidates: readonly RankCandidate[],
  options: RankOptions & { now?: number; personaPrior?: RankUser['personaPrior']; personas?: RankUser['personas'] } = {},
): Float64Array {
  const now = options.now ?? history.reduce((max, h) => Math.max(max, h.ts), 0);
  const user = withMatchedPersona<RankUser>({ rated: history, now, ...(options.personaPrior ? { personaPrior: options.personaPrior } : {}) }, options.personas);
  return scoreCandidates(candidates, user, options).score;
}

// ─── history ────────────────────────────────────────────────────────────────────────────────────────────────────────

interface HistorySignals {
  /** Per rated item: centred, scaled preference in about −1..1 (liked > 0, disliked < 0). */
  signal: Float64Array;
  /** Per rated item: recency decay in (0, 1]. */
  recency: Float64Array;
  /** Interactions that say something (signal ≠ 0): the shrinkage's n. */
  count: number;
}

function historySignals(user: RankUser, options: RankOptions): HistorySignals {
  const { min = 1, max = 5 } = options.ratingScale ?? {};
  if (!(Number.isFinite(min) && Number.isFinite(max) && max > min)) throw new InvalidInputError('ratingScale', 'must have finite min < max');
  const implicit = options.implicitSignal ?? 0.5;
  if (!Number.isFinite(implicit)) throw new InvalidInputError('implicitSignal', 'must be a finite number');
  const halfLife = options.halfLifeMs ?? 180 * DAY_MS;
  if (!(halfLife > 0)) throw new InvalidInputError('halfLifeMs', 'must be > 0 (Infinity turns recency off)');
  const halfLifeItems = options.halfLifeItems ?? Number.POSITIVE_INFINITY;
  if (!(halfLifeItems > 0)) throw new InvalidInputError('halfLifeItems', 'must be > 0 (Infinity turns it off)');
  const rated = user.rated;
  const m = rated.length;
  let sum = 0;
  let explicitCount = 0;
  for (let i = 0; i < m; i++) {
    const item = rated[i] as RatedItem;
    if (typeof item.id !== 'string') throw new InvalidInputError(`user.rated[${i}].id`, 'must be a string');
    if (!Number.isFinite(item.ts)) throw new InvalidInputError(`user.rated[${i}].ts`, 'must be a finite time in ms');
    if (item.rating === undefined) continue;
    if (!Number.isFinite(item.rating)) throw new InvalidInputError(`user.rated[${i}].rating`, 'must be a finite number');
    sum += item.rating;
    explicitCount++;
  }
  // Centre on the user's own mean (a harsh rater's 3 is a like), shrunk toward the midpoint so that a short, all-5
  // history still reads as liked rather than as neutral.
  const mid = (min + max) / 2;
  const centre = (sum + MEAN_PRIOR_COUNT * mid) / (explicitCount + MEAN_PRIOR_COUNT);
  const halfRange = (max - min) / 2;
  const signal = new Float64Array(m);
  const recency = new Float64Array(m);
  let count = 0;
  for (let i = 0; i < m; i++) {
    const item = rated[i] as RatedItem;
    const value = item.rating === undefined ? implicit : (item.rating - centre) / halfRange;
    signal[i] = value;
    recency[i] = halfLife === Number.POSITIVE_INFINITY ? 1 : recencyWeight(item.ts, user.now, halfLife);
    if (value !== 0) count++;
  }
  if (halfLifeItems !== Number.POSITIVE_INFINITY) {
    // Newest first by time; equal times keep history order (the later entry is the newer).
    const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => (rated[b] as RatedItem).ts - (rated[a] as RatedItem).ts || b - a);
    order.forEach((i, k) => {
      recency[i] = (recency[i] as number) * Math.pow(0.5, k / halfLifeItems);
    });
  }
  return { signal, recency, count };
}

// ─── components (raw values; NaN = not known for this candidate) ───────────────────────────────────────────────────

function packCandidateVectors(candidates: readonly RankCandidate[]): { vectors: Float32Array; dim: number } {
  let dim = 0;
  for (const c of candidates) {
    if (c.vector) {
      dim = c.vector.length;
      break;
    }
  }
  const n = candidates.length;
  const vectors = new Float32Array(n * dim);
  if (dim === 0) return { vectors, dim };
  for (let i = 0; i < n; i++) {
    const v = (candidates[i] as RankCandidate).vector;
    if (!v) continue;
    if (v.length !== dim) throw new InvalidInputError(`candidates[${i}].vector`, `has dimension ${v.length}, expected ${dim}`);
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const x = v[d] as number;
      if (!Number.isFinite(x)) throw new InvalidInputError(`candidates[${i}].vector[${d}]`, 'must be a finite number');
      norm += x * x;
    }
    if (norm === 0) continue;
    const inv = 1 / Math.sqrt(norm);
    const base = i * dim;
    for (let d = 0; d < dim; d++) vectors[base + d] = (v[d] as number) * inv;
  }
  return { vectors, dim };
}

/** A history item's vector, checked and unit-normalised into `out`; false for a zero vector. */
function unitInto(v: ArrayLike<number>, dim: number, field: string, out: Float64Array, offset: number): boolean {
  if (v.length !== dim) throw new InvalidInputError(field, `has dimension ${v.length}, expected ${dim} (the candidates')`);
  let norm = 0;
  for (let d = 0; d < dim; d++) {
    const x = v[d] as number;
    if (!Number.isFinite(x)) throw new InvalidInputError(`${field}[${d}]`, 'must be a finite number');
    norm += x * x;
  }
  if (norm === 0) return false;
  const inv = 1 / Math.sqrt(norm);
  for (let d = 0; d < dim; d++) out[offset + d] = (v[d] as number) * inv;
  return true;
}

/**
 * Content affinity = (1 − β) · cos(candidate, profile) + β · (nearest liked − nearest disliked similarity, each ≥ 0).
 * The profile is Σ signal × recency × item vector: liked items pull, disliked push, old ones fade. The nearest-item
 * term rewards a close match to one favourite that a broad profile averages away, and names it in the reason.
 */
function contentAffinity(
  candidates: readonly RankCandidate[],
  user: RankUser,
  signals: HistorySignals,
  vectors: Float32Array,
  dim: number,
  options: RankOptions,
  out: Float64Array,
  anchor: Int32Array,
  anchorSimilarity: Float64Array,
): void {
  if (dim === 0) return;
  const beta = options.neighbourWeight ?? 0.5;
  if (!(beta >= 0 && beta <= 1)) throw new InvalidInputError('neighbourWeight', 'must be in [0, 1]');
  const maxAnchors = Math.max(0, Math.floor(options.maxAnchors ?? 32));
  const rated = user.rated;
  const profile = new Float64Array(dim);
  const unit = new Float64Array(dim);
  const liked: { index: number; weight: number }[] = [];
  const disliked: { index: number; weight: number }[] = [];
  for (let i = 0; i < rated.length; i++) {
    const v = (rated[i] as RatedItem).vector;
    if (!v) continue;
    if (!unitInto(v, dim, `user.rated[${i}].vector`, unit, 0)) continue;
    const w = (signals.signal[i] as number) * (signals.recency[i] as number);
    if (w === 0) continue;
    for (let d = 0; d < dim; d++) profile[d] = (profile[d] as number) + w * (unit[d] as number);
    (w > 0 ? liked : disliked).push({ index: i, weight: Math.abs(w) });
  }
  let norm = 0;
  for (let d = 0; d < dim; d++) norm += (profile[d] as number) ** 2;
  if (norm === 0 && liked.length === 0 && disliked.length === 0) return;
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let d = 0; d < dim; d++) profile[d] = (profile[d] as number) * inv;
  }
  // The strongest anchors, in a fixed order (weight, then history position) so results are deterministic.
  const strongest = (list: { index: number; weight: number }[]) => list.sort((a, b) => b.weight - a.weight || a.index - b.index).slice(0, maxAnchors);
  const likedAnchors = strongest(liked);
  const dislikedAnchors = strongest(disliked);
  // Float32 like the candidates' rows, so the hot loop reads one array type.
  const pack = (list: { index: number }[]) => {
    const packed = new Float32Array(list.length * dim);
    list.forEach((a, k) => {
      unitInto((rated[a.index] as RatedItem).vector as ArrayLike<number>, dim, 'vector', unit, 0);
      packed.set(unit, k * dim);
    });
    return packed;
  };
  const likedPacked = pack(likedAnchors);
  const dislikedPacked = pack(dislikedAnchors);
  const nl = likedAnchors.length;
  const nd = dislikedAnchors.length;
  const sims = new Float64Array(Math.max(nl, nd));

  for (let i = 0; i < candidates.length; i++) {
    if (!(candidates[i] as RankCandidate).vector) continue;
    const base = i * dim;
    let cos = 0;
    for (let d = 0; d < dim; d++) cos += (vectors[base + d] as number) * (profile[d] as number);
    let bestLiked = 0;
    if (nl > 0) {
      dotsInto(vectors, base, likedPacked, nl, dim, sims);
      let bestIndex = 0;
      for (let k = 1; k < nl; k++) if ((sims[k] as number) > (sims[bestIndex] as number)) bestIndex = k;
      const bestSim = sims[bestIndex] as number;
      bestLiked = Math.max(0, bestSim);
      anchor[i] = (likedAnchors[bestIndex] as { index: number }).index;
      anchorSimilarity[i] = bestSim;
    }
    let worst = 0;
    if (nd > 0) {
      dotsInto(vectors, base, dislikedPacked, nd, dim, sims);
      for (let k = 0; k < nd; k++) if ((sims[k] as number) > worst) worst = sims[k] as number;
    }
    out[i] = (1 - beta) * cos + beta * (bestLiked - worst);
  }
}

/**
 * out[k] = row · anchor k for `count` packed anchors. Four anchors per pass share each load of the row and give the
 * CPU four independent sums: about 3× faster than one dot product at a time in V8.
 */
function dotsInto(rows: Float32Array, base: number, packed: Float32Array, count: number, dim: number, out: Float64Array): void {
  let k = 0;
  for (; k + 4 <= count; k += 4) {
    const o0 = k * dim;
    const o1 = o0 + dim;
    const o2 = o1 + dim;
    const o3 = o2 + dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let d = 0; d < dim; d++) {
      const x = rows[base + d] as number;
      s0 += x * (packed[o0 + d] as number);
      s1 += x * (packed[o1 + d] as number);
      s2 += x * (packed[o2 + d] as number);
      s3 += x * (packed[o3 + d] as number);
    }
    out[k] = s0;
    out[k + 1] = s1;
    out[k + 2] = s2;
    out[k + 3] = s3;
  }
  for (; k < count; k++) {
    const o = k * dim;
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += (rows[base + d] as number) * (packed[o + d] as number);
    out[k] = sum;
  }
}

/** u·v_c, with u folded in from the history items that carry host factors (target: the centred signal). */
function foldInAffinity(candidates: readonly RankCandidate[], user: RankUser, signals: HistorySignals, options: RankOptions, out: Float64Array): void {
  const implicit = options.foldInMode === 'implicit' || options.foldInMode === 'bpr';
  const observations: FoldInObservation[] = [];
  user.rated.forEach((item, i) => {
    const signal = signals.signal[i] as number;
    if (!item.factor) return;
    if (implicit) observations.push({ itemFactor: item.factor, rating: 1, weight: signals.recency[i] });
    else if (signal !== 0) observations.push({ itemFactor: item.factor, rating: signal, weight: signals.recency[i] });
  });
  if (observations.length === 0) return;
  let u: Float64Array;
  if (options.foldInMode === 'bpr') {
    const own = new Set(user.rated.map((r) => r.id));
    const pool = options.foldInNegatives ?? candidates.flatMap((c) => (c.factor ? [{ id: c.id, factor: c.factor }] : []));
    const negatives = pool.filter((c) => !own.has(c.id)).map((c) => c.factor);
    u = foldInUserFactorBpr(observations, negatives, {
      ...(options.foldInEpochs === undefined ? {} : { epochs: options.foldInEpochs }),
      ...(options.foldInLearningRate === undefined ? {} : { learningRate: options.foldInLearningRate }),
      ...(options.foldInReg === undefined ? {} : { reg: options.foldInReg }),
    });
  } else {
    u = foldInUserFactor(observations, {
      lambda: options.foldInLambda ?? 1,
      ...(implicit ? { mode: 'implicit' as const, ...(options.foldInGram ? { itemGram: options.foldInGram } : {}), ...(options.foldInAlpha === undefined ? {} : { alpha: options.foldInAlpha }) } : {}),
    });
  }
  const dim = u.length;
  const beta = options.foldInNeighbourWeight ?? 0;
  if (!(beta >= 0 && beta <= 1)) throw new InvalidInputError('foldInNeighbourWeight', 'must be in [0, 1]');
  // The neighbour direction: Σ recency × unit(item factor) over the history, so centroid · unit(candidate) is the
  // recency-weighted mean cosine between the candidate and the user's items — item-item similarity in one pass.
  const centroid = new Float64Array(dim);
  if (beta > 0) {
    user.rated.forEach((item, i) => {
      const f = item.factor;
      if (!f) return;
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += (f[d] as number) ** 2;
      if (!(norm > 0)) return;
      const w = (signals.recency[i] as number) / Math.sqrt(norm);
      for (let d = 0; d < dim; d++) centroid[d] = (centroid[d] as number) + w * (f[d] as number);
    });
  }
  const neighbour = new Float64Array(candidates.length).fill(Number.NaN);
  for (let i = 0; i < candidates.length; i++) {
    const v = (candidates[i] as RankCandidate).factor;
    if (!v) continue;
    if (v.length !== dim) throw new InvalidInputError(`candidates[${i}].factor`, `has dimension ${v.length}, expected ${dim} (the history's factors')`);
    let dot = 0;
    let cdot = 0;
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const x = v[d] as number;
      dot += (u[d] as number) * x;
      cdot += (centroid[d] as number) * x;
      norm += x * x;
    }
    if (!Number.isFinite(dot)) throw new InvalidInputError(`candidates[${i}].factor`, 'must hold finite numbers');
    out[i] = dot;
    neighbour[i] = norm > 0 ? cdot / Math.sqrt(norm) : 0;
  }
  if (beta > 0) {
    const zDot = zNormalize(out);
    const zNeighbour = zNormalize(neighbour);
    for (let i = 0; i < candidates.length; i++) {
      if (!Number.isNaN(out[i])) out[i] = (1 - beta) * (zDot[i] as number) + beta * (zNeighbour[i] as number);
    }
  }
}

/**
 * The sparse channel: each item is its feature tokens, TF-IDF weighted and unit-normalised; the user's profile is
 * Σ recency × (1 + γ · signal) × item over the history; a candidate scores its cosine with the profile. Genres and
 * tags say things a general-purpose text embedding of a title blurs, and the cost is one pass over the tokens.
 */
function featureAffinity(candidates: readonly RankCandidate[], user: RankUser, signals: HistorySignals, options: RankOptions, out: Float64Array): void {
  const gamma = options.featureRatingWeight ?? 1;
  if (!Number.isFinite(gamma) || gamma < 0) throw new InvalidInputError('featureRatingWeight', 'must be a finite number ≥ 0');
  const given = options.featureIdf;
  const check = (tokens: readonly string[] | undefined, field: string): boolean => {
    if (tokens === undefined) return false;
    if (!Array.isArray(tokens)) throw new InvalidInputError(field, 'must be an array of strings');
    for (const t of tokens) if (typeof t !== 'string') throw new InvalidInputError(field, 'must be an array of strings');
    return true;
  };
  let any = false;
  for (let i = 0; i < candidates.length; i++) if (check((candidates[i] as RankCandidate).features, `candidates[${i}].features`)) any = true;
  if (!any) return;
  user.rated.forEach((r, i) => {
    check(r.features, `user.rated[${i}].features`);
  });
  // The weight of each token, memoised: the host's when given, otherwise the IDF over candidates and history
  // (document frequencies counted only when some token needs them).
  const weightOf = new Map<string, number>();
  let df: Map<string, number> | undefined;
  let docs = 0;
  const documentFrequencies = (): Map<string, number> => {
    const counts = new Map<string, number>();
    const add = (tokens: readonly string[] | undefined) => {
      if (!tokens) return;
      docs++;
      for (const t of distinct(tokens)) counts.set(t, (counts.get(t) ?? 0) + 1);
    };
    for (const c of candidates) add(c.features);
    for (const r of user.rated) add(r.features);
    return counts;
  };
  const idf = (t: string): number => {
    const known = weightOf.get(t);
    if (known !== undefined) return known;
    let w = given && Object.hasOwn(given, t) ? given[t] : undefined;
    if (w !== undefined) {
      if (!Number.isFinite(w) || w < 0) throw new InvalidInputError(`featureIdf[${t}]`, 'must be a finite number ≥ 0');
    } else {
      df ??= documentFrequencies();
      w = Math.log((docs + 1) / ((df.get(t) ?? 0) + 1)) + 1;
    }
    weightOf.set(t, w);
    return w;
  };
  const profile = new Map<string, number>();
  user.rated.forEach((r, i) => {
    if (!r.features) return;
    const w = (signals.recency[i] as number) * (1 + gamma * (signals.signal[i] as number));
    if (w === 0) return;
    const tokens = distinct(r.features);
    let norm = 0;
    for (const t of tokens) norm += idf(t) ** 2;
    if (!(norm > 0)) return;
    const scale = w / Math.sqrt(norm);
    for (const t of tokens) {
      const x = idf(t);
      if (x !== 0) profile.set(t, (profile.get(t) ?? 0) + scale * x);
    }
  });
  let norm = 0;
  for (const x of profile.values()) norm += x * x;
  if (!(norm > 0)) return;
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < candidates.length; i++) {
    const features = (candidates[i] as RankCandidate).features;
    if (!features) continue;
    let dot = 0;
    let sq = 0;
    for (const t of distinct(features)) {
      const x = idf(t);
      sq += x * x;
      dot += x * (profile.get(t) ?? 0);
    }
    out[i] = sq > 0 ? (dot * inv) / Math.sqrt(sq) : 0;
  }
}

/** The tokens without repeats (a repeated token counts once); short lists are checked in place, without a Set. */
function distinct(tokens: readonly string[]): readonly string[] {
  if (tokens.length > 16) return [...new Set(tokens)];
  for (let i = 1; i < tokens.length; i++) if (tokens.lastIndexOf(tokens[i] as string, i - 1) >= 0) return [...new Set(tokens)];
  return tokens;
}

function preferenceAffinity(candidates: readonly RankCandidate[], user: RankUser, out: Float64Array): void {
  const model = user.preference;
  if (!model) return;
  for (let i = 0; i < candidates.length; i++) {
    const v = (candidates[i] as RankCandidate).vector;
    if (v) out[i] = 2 * model.score({ item: v }) - 1;
  }
}

/** Shares pass through; counts are log-scaled (one viral item must not flatten the rest). */
function popularityPrior(candidates: readonly RankCandidate[], out: Float64Array): void {
  let counts = false;
  for (let i = 0; i < candidates.length; i++) {
    const p = (candidates[i] as RankCandidate).popularity;
    if (p === undefined) continue;
    if (!Number.isFinite(p) || p < 0) throw new InvalidInputError(`candidates[${i}].popularity`, 'must be a finite number ≥ 0');
    if (p > 1) counts = true;
  }
  for (let i = 0; i < candidates.length; i++) {
    const p = (candidates[i] as RankCandidate).popularity;
    if (p !== undefined) out[i] = counts ? Math.log1p(p) : p;
  }
}

function personaPrior(candidates: readonly RankCandidate[], user: RankUser, out: Float64Array): void {
  const prior = user.personaPrior;
  if (!prior) return;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i] as RankCandidate;
    const value = typeof prior === 'function' ? prior(c) : Object.hasOwn(prior, c.id) ? prior[c.id] : undefined;
    if (value === undefined) continue;
    if (!Number.isFinite(value)) throw new InvalidInputError(`personaPrior[${c.id}]`, 'must be a finite number');
    out[i] = value;
  }
}

// ─── normalisation ────────────────────────────────────────────────────────────────────────────────────────────────

/** z-scores over the known values, clipped to ±3; unknown (NaN) and constant components → 0 (neutral). */
function zNormalize(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  let count = 0;
  let mean = 0;
  for (const x of values) {
    if (Number.isNaN(x)) continue;
    count++;
    mean += x;
  }
  if (count === 0) return out;
  mean /= count;
  let variance = 0;
  for (const x of values) if (!Number.isNaN(x)) variance += (x - mean) ** 2;
  const sd = Math.sqrt(variance / count);
  // Relative threshold: float noise in a constant column must not be blown up into ±3.
  if (!(sd > 1e-12 * Math.max(1, Math.abs(mean)))) return out;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    if (!Number.isNaN(x)) out[i] = Math.max(-Z_CLIP, Math.min(Z_CLIP, (x - mean) / sd));
  }
  return out;
}

/** Average ranks of the known values mapped linearly onto [−√3, √3] (unit variance, like z); unknown → 0. */
function rankNormalize(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  const known: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) known.push(i);
  const m = known.length;
  if (m < 2) return out;
  known.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
  const scale = (2 * Math.sqrt(3)) / (m - 1);
  let lo = 0;
  while (lo < m) {
    let hi = lo;
    const v = values[known[lo] as number] as number;
    while (hi + 1 < m && values[known[hi + 1] as number] === v) hi++;
    const rank = (lo + hi) / 2;
    for (let k = lo; k <= hi; k++) out[known[k] as number] = rank * scale - Math.sqrt(3);
    lo = hi + 1;
  }
  return out;
}

// ─── diversity and reasons ────────────────────────────────────────────────────────────────────────────────────────

/**
 * MMR (Carbonell & Goldstein 1998) over the first `depth` positions: picks the candidate maximising
 * λ · relevance − (1 − λ) · max cosine to those already picked; relevance is the score min–max scaled to 0..1 (blend
 * scores are z-based and can be negative, so fusion.ts's ratio-to-best does not apply). Candidates without a vector
 * are never redundant. The rest of the list follows in score order.
 */
function diversify(order: number[], scores: CandidateScores, lambda: number, depth: number): number[] {
  const { vectors, dim, score } = scores;
  if (depth <= 1 || dim === 0 || lambda === 1) return order;
  const pool = order.slice();
  const m = pool.length;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const i of pool) {
    lo = Math.min(lo, score[i] as number);
    hi = Math.max(hi, score[i] as number);
  }
  const span = hi - lo;
  const relevance = new Float64Array(m);
  for (let k = 0; k < m; k++) relevance[k] = span > 0 ? ((score[pool[k] as number] as number) - lo) / span : 1;
  const redundancy = new Float64Array(m).fill(Number.NEGATIVE_INFINITY);
  const taken = new Uint8Array(m);
  const picked: number[] = [];
  for (let step = 0; step < depth; step++) {
    let best = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < m; k++) {
      if (taken[k]) continue;
      // The pool is in score order, so on equal value the earlier (better-scored, then smaller id) wins.
      const value = lambda * (relevance[k] as number) - (1 - lambda) * (step === 0 ? 0 : Math.max(0, redundancy[k] as number));
      if (value > bestValue) {
        bestValue = value;
        best = k;
      }
    }
    if (best < 0) break;
    taken[best] = 1;
    const chosen = pool[best] as number;
    picked.push(chosen);
    const cb = chosen * dim;
    for (let k = 0; k < m; k++) {
      if (taken[k]) continue;
      const ob = (pool[k] as number) * dim;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += (vectors[cb + d] as number) * (vectors[ob + d] as number);
      if (dot > (redundancy[k] as number)) redundancy[k] = dot;
    }
  }
  for (let k = 0; k < m; k++) if (!taken[k]) picked.push(pool[k] as number);
  return picked;
}

function describe(i: number, candidates: readonly RankCandidate[], user: RankUser, scores: CandidateScores, options: RankOptions): RankedItem {
  const parts = {} as RankParts;
  let top: RankComponent | undefined;
  let topValue = 0;
  for (const c of COMPONENTS) {
    const value = scores.parts[c][i] as number;
    parts[c] = value;
    if (value > topValue) {
      topValue = value;
      top = c;
    }
  }
  const item: RankedItem = { id: (candidates[i] as RankCandidate).id, score: scores.score[i] as number, parts, reason: '', reasonKind: 'explore' };
  switch (top) {
    case 'content': {
      const a = scores.anchor[i] as number;
      const similarity = scores.anchorSimilarity[i] as number;
      const liked = a >= 0 ? user.rated[a] : undefined;
      if (liked && similarity >= (options.reasonMinSimilarity ?? 0.3)) {
        const name = nameOf(liked);
        item.reasonKind = 'liked-item';
        item.reason = liked.rating === undefined ? `because you showed interest in ${name}` : `because you rated ${name} highly`;
        item.because = { id: liked.id, similarity };
      } else {
        item.reasonKind = 'content';
        item.reason = 'similar to what you like';
      }
      break;
    }
    case 'features':
      item.reasonKind = 'content';
      item.reason = 'shares the genres and themes you like';
      break;
    case 'foldIn':
      item.reasonKind = 'fold-in';
      item.reason = 'matches your taste profile';
      break;
    case 'preference':
      item.reasonKind = 'preference';
      item.reason = 'in line with your feedback';
      break;
    case 'popularity':
      item.reasonKind = 'popularity';
      item.reason = 'popular with everyone';
      break;
    case 'persona':
      item.reasonKind = 'persona';
      item.reason = `people like you (${user.personaLabel ?? 'persona'}) enjoy it`;
      break;
    case undefined:
      item.reason = 'something different to try';
      break;
  }
  return item;
}

function nameOf(item: RatedItem): string {
  if (item.title) return item.title;
  const text = item.text?.trim().replace(/\s+/g, ' ');
  if (!text) return item.id;
  return text.length <= 60 ? text : `${text.slice(0, 57)}…`;
}

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
