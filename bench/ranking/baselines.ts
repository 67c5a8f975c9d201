// Centralized baselines for the ranking benchmark. They see every user's training data of a fold (never its targets):
// Random, MostPop, ItemKNN (item-item cosine) and BPR-MF (matrix factorisation, from scratch, Float32Arrays).
import { seededRandom } from '../../tests/support/seeded-random.ts';
import type { RankingScorer } from './evaluate.ts';
import { contains, type Fold } from './split.ts';

/** Seeded uniform scores: the floor every method must clear. */
export function randomScorer(seed: number): RankingScorer {
  const random = seededRandom(seed);
  return (_history, candidates) => Float64Array.from(candidates, () => random());
}

/** Training interactions per item (each user counted once). */
export function itemCounts(fold: Fold, itemCount: number): Float64Array {
  const counts = new Float64Array(itemCount);
  for (const h of fold.histories) for (const r of h.ratings) counts[r.item] = (counts[r.item] ?? 0) + 1;
  return counts;
}

/** MostPop: how many users rated the item in training. Unseen items tie at 0, which counts against the target. */
export function mostPopScorer(fold: Fold, itemCount: number): RankingScorer {
  const counts = itemCounts(fold, itemCount);
  return (_history, candidates) => Float64Array.from(candidates, (i) => counts[i] ?? 0);
}

/** Items each user interacted with in training (implicit feedback), and users per item. */
function incidence(fold: Fold, itemCount: number): { userItems: Int32Array[]; itemUsers: Int32Array[] } {
  const userItems = fold.histories.map((h) => Int32Array.from(new Set(h.ratings.map((r) => r.item))).sort());
  const perItem: number[][] = Array.from({ length: itemCount }, () => []);
  userItems.forEach((items, u) => {
    for (const i of items) perItem[i]?.push(u);
  });
  return { userItems, itemUsers: perItem.map((us) => Int32Array.from(us)) };
}

export interface ItemKnnParams {
  /** Neighbours kept per candidate item. */
  k: number;
  /** Shrinkage added to the cosine denominator: damps similarities supported by few co-occurrences. */
  shrink: number;
  /** Asymmetric cosine: ||v_i||^(2α) ||v_j||^(2(1-α)); 0.5 is plain cosine. */
  alpha: number;
  /** Each user's entries weigh n_u^-β: heavy raters (2,000+ films) otherwise dominate every co-occurrence. */
  userExp: number;
}

/**
 * Item-item cosine on implicit data (ItemKNN-CF as in Dacrema et al. 2019), with user weighting and shrinkage:
 * sim(i, j) = Σ_{u ∈ U_i ∩ U_j} w_u² / (||v_i||^(2α) ||v_j||^(2(1-α)) + shrink), w_u = n_u^-β, pruned to each item's
 * `maxK` most similar items. Built once per (shrink, α, β); any k ≤ maxK is a prefix, so tuning k costs nothing.
 * Score(u, j) = Σ sim(i, j) over j's k nearest items i that u has in their history.
 */
export class ItemKnnModel {
  private readonly neighbours: Int32Array;
  private readonly sims: Float32Array;
  /** Scratch: the current user's weight per history item, 0 elsewhere. */
  private readonly weight: Float64Array;

  constructor(
    fold: Fold,
    itemCount: number,
    readonly params: Omit<ItemKnnParams, 'k'>,
    readonly maxK: number,
  ) {
    const { shrink, alpha, userExp } = params;
    const { userItems, itemUsers } = incidence(fold, itemCount);
    this.neighbours = new Int32Array(itemCount * maxK).fill(-1);
    this.sims = new Float32Array(itemCount * maxK);
    this.weight = new Float64Array(itemCount);
    const w2 = Float64Array.from(userItems, (items) => Math.pow(Math.max(1, items.length), -2 * userExp));
    const sq = Float64Array.from(itemUsers, (us) => {
      let s = 0;
      for (const u of us) s += w2[u] as number;
      return s; // ||v_i||²
    });
    const co = new Float64Array(itemCount);
    const touched = new Int32Array(itemCount);
    // A min-heap of the best maxK (similarity, item) per target item, in typed arrays: no per-pair allocation.
    const heapS = new Float64Array(maxK);
    const heapI = new Int32Array(maxK);
    const worse = (a: number, b: number): boolean =>
      (heapS[a] as number) < (heapS[b] as number) || ((heapS[a] as number) === (heapS[b] as number) && (heapI[a] as number) > (heapI[b] as number));
    const swap = (a: number, b: number): void => {
      const s = heapS[a] as number;
      heapS[a] = heapS[b] as number;
      heapS[b] = s;
      const i = heapI[a] as number;
      heapI[a] = heapI[b] as number;
      heapI[b] = i;
    };
    const siftDown = (size: number): void => {
      let x = 0;
      for (;;) {
        const l = 2 * x + 1;
        const r = l + 1;
        let m = x;
        if (l < size && worse(l, m)) m = l;
        if (r < size && worse(r, m)) m = r;
        if (m === x) return;
        swap(x, m);
        x = m;
      }
    };
    for (let j = 0; j < itemCount; j++) {
      const users = itemUsers[j] as Int32Array;
      if (users.length === 0) continue;
      let nTouched = 0;
      for (const u of users) {
        const wu = w2[u] as number;
        for (const i of userItems[u] as Int32Array) {
          if (co[i] === 0) touched[nTouched++] = i;
          co[i] = (co[i] as number) + wu;
        }
      }
      const normJ = Math.pow(sq[j] as number, 1 - alpha);
      let size = 0;
      for (let t = 0; t < nTouched; t++) {
        const i = touched[t] as number;
        const c = co[i] as number;
        co[i] = 0;
        if (i === j) continue;
        const s = c / (Math.pow(sq[i] as number, alpha) * normJ + shrink);
        if (size < maxK) {
          // Sift up.
          heapS[size] = s;
          heapI[size] = i;
          let x = size++;
          while (x > 0) {
            const parent = (x - 1) >> 1;
            if (!worse(x, parent)) break;
            swap(x, parent);
            x = parent;
          }
        } else if (s > (heapS[0] as number) || (s === heapS[0] && i < (heapI[0] as number))) {
          heapS[0] = s;
          heapI[0] = i;
          siftDown(size);
        }
      }
      // Pop worst-first into the tail: the row ends up best first (ties: lower item index first).
      for (let t = size - 1; t >= 0; t--) {
        this.neighbours[j * maxK + t] = heapI[0] as number;
        this.sims[j * maxK + t] = heapS[0] as number;
        swap(0, t);
        siftDown(t);
      }
    }
  }

  /**
   * `halfLife` (in history items, Infinity = off) down-weights older history: the t-th most recent item weighs
   * 0.5^(t / halfLife). Leave-one-out holds out the latest rating, and recent taste predicts it best.
   */
  scorer(k: number, halfLife = Number.POSITIVE_INFINITY): RankingScorer {
    if (k > this.maxK) throw new RangeError(`k ${k} > maxK ${this.maxK}`);
    const { neighbours, sims, weight, maxK } = this;
    return (history, candidates) => {
      const n = history.ratings.length;
      for (let t = 0; t < n; t++) {
        const item = (history.ratings[t] as { item: number }).item;
        weight[item] = Math.max(weight[item] as number, Math.pow(0.5, (n - 1 - t) / halfLife));
      }
      const scores = new Float64Array(candidates.length);
      for (let c = 0; c < candidates.length; c++) {
        const base = (candidates[c] as number) * maxK;
        let s = 0;
        for (let t = 0; t < k; t++) {
          const i = neighbours[base + t] as number;
          if (i < 0) break;
          s += (sims[base + t] as number) * (weight[i] as number);
        }
        scores[c] = s;
      }
      for (const r of history.ratings) weight[r.item] = 0;
      return scores;
    };
  }
}

export interface BprParams {
  factors: number;
  lr: number;
  reg: number;
  epochs: number;
}

/**
 * BPR-MF (Rendle et al. 2009) with an item bias: x_uij = b_i - b_j + p_u·(q_i - q_j), maximise ln σ(x_uij) by SGD
 * over (user, rated item, uniformly sampled unrated item) triples, L2 on every parameter touched. One epoch draws as
 * many triples as there are training interactions. Deterministic for a seed: one PRNG drives init and sampling.
 */
export class BprModel {
  readonly p: Float32Array;
  readonly q: Float32Array;
  readonly b: Float32Array;
  private readonly random: () => number;
  private readonly users: Int32Array;
  private readonly posItems: Int32Array;
  private readonly userItems: Int32Array[];
  private readonly catalogue: Int32Array;
  epochsDone = 0;

  constructor(
    fold: Fold,
    itemCount: number,
    catalogue: Int32Array,
    readonly params: Omit<BprParams, 'epochs'>,
    seed: number,
  ) {
    this.random = seededRandom(seed);
    const d = params.factors;
    const userCount = fold.histories.length;
    const { userItems } = incidence(fold, itemCount);
    this.userItems = userItems;
    // Negatives come from the rated catalogue (as the evaluation's do); items nobody rated would be free negatives.
    this.catalogue = catalogue;
    let total = 0;
    for (const items of userItems) total += items.length;
    this.users = new Int32Array(total);
    this.posItems = new Int32Array(total);
    let n = 0;
    userItems.forEach((items, u) => {
      for (const i of items) {
        this.users[n] = u;
        this.posItems[n++] = i;
      }
    });
    // Small Gaussian init (σ = 0.1) via Box–Muller on the seeded stream.
    const gauss = (): number => {
      const u1 = Math.max(this.random(), 1e-12);
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * this.random());
    };
    this.p = Float32Array.from({ length: userCount * d }, () => 0.1 * gauss());
    this.q = Float32Array.from({ length: itemCount * d }, () => 0.1 * gauss());
    this.b = new Float32Array(itemCount);
  }

  private rated(u: number, item: number): boolean {
    return contains(this.userItems[u] as Int32Array, item);
  }

  /** Runs one epoch of SGD. */
  epoch(): void {
    const { p, q, b, users, posItems, catalogue, random } = this;
    const { factors: d, lr, reg } = this.params;
    const n = users.length;
    for (let step = 0; step < n; step++) {
      const s = Math.floor(random() * n);
      const u = users[s] as number;
      const i = posItems[s] as number;
      let j = catalogue[Math.floor(random() * catalogue.length)] as number;
      while (this.rated(u, j)) j = catalogue[Math.floor(random() * catalogue.length)] as number;
      const pu = u * d;
      const qi = i * d;
      const qj = j * d;
      let x = (b[i] as number) - (b[j] as number);
      for (let f = 0; f < d; f++) x += (p[pu + f] as number) * ((q[qi + f] as number) - (q[qj + f] as number));
      // g = σ(-x) = ∂ ln σ(x) / ∂x
      const g = 1 / (1 + Math.exp(x));
      b[i] = (b[i] as number) + lr * (g - reg * (b[i] as number));
      b[j] = (b[j] as number) + lr * (-g - reg * (b[j] as number));
      for (let f = 0; f < d; f++) {
        const pf = p[pu + f] as number;
        const qif = q[qi + f] as number;
        const qjf = q[qj + f] as number;
        p[pu + f] = pf + lr * (g * (qif - qjf) - reg * pf);
        q[qi + f] = qif + lr * (g * pf - reg * qif);
        q[qj + f] = qjf + lr * (-g * pf - reg * qjf);
      }
    }
    this.epochsDone++;
  }

  scorer(): RankingScorer {
    const { p, q, b } = this;
    const d = this.params.factors;
    return (history, candidates) => {
      const pu = history.user * d;
      return Float64Array.from(candidates, (i) => {
        let s = b[i] as number;
        for (let f = 0; f < d; f++) s += (p[pu + f] as number) * (q[i * d + f] as number);
        return s;
      });
    };
  }
}
