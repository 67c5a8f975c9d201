// Local fold-in: the host learnt item factors from aggregate data (ALS, matrix factorisation); the user's own factor
// is solved here, on the device, from their history against those item factors, so the history never leaves it.
// Holding the item factors V fixed, one ALS half-step for one user is a d×d ridge regression:
//   explicit:  u = argmin Σ cᵢ (rᵢ − u·vᵢ)² + λ‖u‖²   ⇔  (Σ cᵢ vᵢvᵢᵀ + λI) u = Σ cᵢ rᵢ vᵢ
//   implicit (Hu, Koren & Volinsky 2008): every catalogue item is an observation with preference p = 0 and
//   confidence 1, except the user's, which have p = 1 (or 0 for a negative rating) and confidence 1 + α·w:
//              (VᵀV + Σ (cᵢ − 1) vᵢvᵢᵀ + λI) u = Σ cᵢ pᵢ vᵢ
//   VᵀV over the whole catalogue is the same for every user, so the host (or the caller) computes it once (itemGram).
// The system is symmetric positive definite for λ > 0, so a dense Cholesky factorisation solves it in d³/6 flops —
// under 3 M for d = 256, well inside a ranking call's budget. Plain float arithmetic in a fixed order: the same input
// gives bit-identical factors in Node and in browsers.
import { InvalidInputError } from './errors';

/** The largest factor dimension fold-in accepts: the O(d³) solve stays under a few milliseconds up to here. */
export const MAX_FOLD_IN_DIMENSION = 256;

export interface FoldInObservation {
  /** The host's factor for the item the user interacted with. */
  itemFactor: ArrayLike<number>;
  /** Explicit: the target rᵢ (default 1, an implicit "yes"). Implicit: > 0 means preferred (pᵢ = 1), ≤ 0 not. */
  rating?: number;
  /** Explicit: the confidence cᵢ (default 1). Implicit: the strength w in cᵢ = 1 + α·w (default 1). Must be ≥ 0. */
  weight?: number;
}

export interface FoldInOptions {
  /** Ridge strength λ > 0: pulls u toward 0 when there is little evidence. Default 1. */
  lambda?: number;
  /** 'explicit' (default): ratings are regression targets. 'implicit': Hu–Koren–Volinsky confidence weighting. */
  mode?: 'explicit' | 'implicit';
  /** Implicit: confidence per unit of weight, cᵢ = 1 + α·wᵢ. Default 10. */
  alpha?: number;
  /**
   * Implicit: VᵀV over the whole catalogue (d×d, row-major, from itemGram()), so unobserved items count as weak
   * "no"s. Without it only the observed items enter (the system is then the explicit one with targets pᵢ).
   */
  itemGram?: Float64Array;
}

/**
 * The user's factor u (length d, the item factors' dimension) from their observations. No observations → zeros
 * (the ridge prior alone). Throws InvalidInputError on mismatched dimensions, non-finite values or negative weights.
 */
export function foldInUserFactor(observations: readonly FoldInObservation[], options: FoldInOptions = {}): Float64Array {
  const { lambda = 1, mode = 'explicit', alpha = 10, itemGram } = options;
  if (!Number.isFinite(lambda) || lambda <= 0) throw new InvalidInputError('lambda', 'must be a finite number > 0 (it keeps the system solvable)');
  if (!Number.isFinite(alpha) || alpha < 0) throw new InvalidInputError('alpha', 'must be a finite number ≥ 0');
  const first = observations[0];
  const d = first ? first.itemFactor.length : itemGram ? Math.round(Math.sqrt(itemGram.length)) : 0;
  if (d === 0) return new Float64Array(0);
  if (d > MAX_FOLD_IN_DIMENSION) throw new InvalidInputError('itemFactor', `has dimension ${d}; fold-in supports up to ${MAX_FOLD_IN_DIMENSION}`);
  const implicit = mode === 'implicit';
  if (itemGram && itemGram.length !== d * d) throw new InvalidInputError('itemGram', `has ${itemGram.length} entries, expected ${d}×${d}`);
  if (itemGram) for (let i = 0; i < itemGram.length; i++) if (!Number.isFinite(itemGram[i])) throw new InvalidInputError(`itemGram[${i}]`, 'must be a finite number');

  // Only the lower triangle of A is accumulated and read: half the work of the rank-one updates.
  const a = new Float64Array(d * d);
  const b = new Float64Array(d);
  const useGram = implicit && itemGram !== undefined;
  if (useGram) a.set(itemGram);
  for (let k = 0; k < observations.length; k++) {
    const obs = observations[k] as FoldInObservation;
    const v = obs.itemFactor;
    if (v.length !== d) throw new InvalidInputError(`observations[${k}].itemFactor`, `has dimension ${v.length}, expected ${d}`);
    const rating = obs.rating ?? 1;
    const weight = obs.weight ?? 1;
    if (!Number.isFinite(rating)) throw new InvalidInputError(`observations[${k}].rating`, 'must be a finite number');
    if (!Number.isFinite(weight) || weight < 0) throw new InvalidInputError(`observations[${k}].weight`, 'must be a finite number ≥ 0');
    let c: number;
    let target: number;
    if (implicit) {
      c = 1 + alpha * weight;
      target = rating > 0 ? 1 : 0;
    } else {
      c = weight;
      target = rating;
    }
    // With the catalogue Gram already holding this item at confidence 1, only the extra confidence is added.
    const extra = useGram ? c - 1 : c;
    const ct = c * target;
    for (let i = 0; i < d; i++) {
      const vi = v[i] as number;
      if (!Number.isFinite(vi)) throw new InvalidInputError(`observations[${k}].itemFactor[${i}]`, 'must be a finite number');
      b[i] = (b[i] as number) + ct * vi;
      const ev = extra * vi;
      const row = i * d;
      for (let j = 0; j <= i; j++) a[row + j] = (a[row + j] as number) + ev * (v[j] as number);
    }
  }
  for (let i = 0; i < d; i++) a[i * d + i] = (a[i * d + i] as number) + lambda;
  return solveSymmetricPositiveDefinite(a, b, d);
}

/** VᵀV (d×d, row-major) over a catalogue's item factors: the implicit fold-in's shared term. */
export function itemGram(factors: readonly ArrayLike<number>[]): Float64Array {
  const first = factors[0];
  if (!first) return new Float64Array(0);
  const d = first.length;
  const g = new Float64Array(d * d);
  for (let k = 0; k < factors.length; k++) {
    const v = factors[k] as ArrayLike<number>;
    if (v.length !== d) throw new InvalidInputError(`factors[${k}]`, `has dimension ${v.length}, expected ${d}`);
    for (let i = 0; i < d; i++) {
      const vi = v[i] as number;
      if (!Number.isFinite(vi)) throw new InvalidInputError(`factors[${k}][${i}]`, 'must be a finite number');
      const row = i * d;
      for (let j = 0; j < d; j++) g[row + j] = (g[row + j] as number) + vi * (v[j] as number);
    }
  }
  return g;
}

/**
 * Solves A x = b for symmetric positive definite A (n×n, row-major; only the lower triangle is read) by Cholesky,
 * A = L Lᵀ, then two triangular solves. `a` is overwritten with L. Throws InvalidInputError when A is not positive
 * definite (a non-positive pivot): with fold-in that means λ is too small for the data's scale.
 */
export function solveSymmetricPositiveDefinite(a: Float64Array, b: ArrayLike<number>, n: number): Float64Array {
  if (a.length !== n * n) throw new InvalidInputError('a', `has ${a.length} entries, expected ${n}×${n}`);
  if (b.length !== n) throw new InvalidInputError('b', `has length ${b.length}, expected ${n}`);
  // Cholesky–Banachiewicz, row by row: L[i][j] = (A[i][j] − Σₖ<ⱼ L[i][k] L[j][k]) / L[j][j].
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let sum = a[ri + j] as number;
      for (let k = 0; k < j; k++) sum -= (a[ri + k] as number) * (a[rj + k] as number);
      if (i === j) {
        if (!(sum > 0)) throw new InvalidInputError('a', `is not positive definite (pivot ${i} is ${sum}); raise lambda`);
        a[ri + i] = Math.sqrt(sum);
      } else {
        a[ri + j] = sum / (a[rj + j] as number);
      }
    }
  }
  // L y = b, then Lᵀ x = y.
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= (a[ri + k] as number) * (x[k] as number);
    x[i] = sum / (a[ri + i] as number);
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = x[i] as number;
    for (let k = i + 1; k < n; k++) sum -= (a[k * n + i] as number) * (x[k] as number);
    x[i] = sum / (a[i * n + i] as number);
  }
  return x;
}

export interface BprFoldInOptions {
  /** Passes over the positives (each pass: one sampled (positive, negative) pair per positive). Default 100. */
  epochs?: number;
  /** SGD step. Default 0.05. */
  learningRate?: number;
  /** L2 penalty on u. Default 0.005. */
  reg?: number;
  /** Seed of the pair sampler: the same input and seed give the same factor. Default 1. */
  seed?: number;
}

/**
 * The user's factor u by BPR (Rendle et al. 2009) against fixed item factors: SGD on ln σ(u·vᵢ − u·vⱼ) − reg‖u‖² over
 * pairs of an item the user interacted with (i) and one from `negatives` (j, items the user did not touch). The
 * matching fold-in for host factors learnt by BPR-MF: it asks of u what the host's training asked of every user.
 * A positive's `weight` (default 1) scales its step. No positives or no negatives → zeros.
 */
export function foldInUserFactorBpr(
  positives: readonly FoldInObservation[],
  negatives: readonly ArrayLike<number>[],
  options: BprFoldInOptions = {},
): Float64Array {
  const { epochs = 100, learningRate = 0.05, reg = 0.005, seed = 1 } = options;
  if (!Number.isInteger(epochs) || epochs < 0) throw new InvalidInputError('epochs', 'must be an integer ≥ 0');
  if (!Number.isFinite(learningRate) || learningRate <= 0) throw new InvalidInputError('learningRate', 'must be a finite number > 0');
  if (!Number.isFinite(reg) || reg < 0) throw new InvalidInputError('reg', 'must be a finite number ≥ 0');
  const first = positives[0];
  const d = first ? first.itemFactor.length : 0;
  const u = new Float64Array(d);
  if (d === 0 || negatives.length === 0) return u;
  if (d > MAX_FOLD_IN_DIMENSION) throw new InvalidInputError('itemFactor', `has dimension ${d}; fold-in supports up to ${MAX_FOLD_IN_DIMENSION}`);
  const check = (v: ArrayLike<number>, field: string) => {
    if (v.length !== d) throw new InvalidInputError(field, `has dimension ${v.length}, expected ${d}`);
    for (let f = 0; f < d; f++) if (!Number.isFinite(v[f])) throw new InvalidInputError(`${field}[${f}]`, 'must be a finite number');
  };
  positives.forEach((p, k) => {
    check(p.itemFactor, `positives[${k}].itemFactor`);
    const w = p.weight ?? 1;
    if (!Number.isFinite(w) || w < 0) throw new InvalidInputError(`positives[${k}].weight`, 'must be a finite number ≥ 0');
  });
  negatives.forEach((v, k) => {
    check(v, `negatives[${k}]`);
  });
  // mulberry32: a small, fast, deterministic generator (the same sequence in every JS engine).
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const m = positives.length;
  for (let e = 0; e < epochs; e++) {
    for (let s = 0; s < m; s++) {
      const pos = positives[Math.floor(random() * m)] as FoldInObservation;
      const vi = pos.itemFactor;
      const vj = negatives[Math.floor(random() * negatives.length)] as ArrayLike<number>;
      let x = 0;
      for (let f = 0; f < d; f++) x += (u[f] as number) * ((vi[f] as number) - (vj[f] as number));
      const g = (pos.weight ?? 1) / (1 + Math.exp(x));
      for (let f = 0; f < d; f++) {
        const uf = u[f] as number;
        u[f] = uf + learningRate * (g * ((vi[f] as number) - (vj[f] as number)) - reg * uf);
      }
    }
  }
  return u;
}
