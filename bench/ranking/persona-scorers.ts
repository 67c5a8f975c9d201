// Hook point for Persona's own rankers (issue 6). The benchmark evaluates every entry registered here beside the
// baselines, on the same folds and negatives, and emits a `persona_*` row for each.
//
// Persona is scored per user as on a device: src/core/ranking.ts (the code rank() runs) sees only that user's
// training ratings, the item catalogue (title, genres and tags, embedded with the bundled model), and — in the
// variants that use them — the global popularity prior and host item factors. The item factors are BPR-MF factors
// learnt with the evaluated users left out (user-level 5-fold: each user's factor is folded in on the device against
// item factors trained on the other four fifths), so the host never saw the users being ranked. Each variant's
// hyper-parameters are chosen on the validation fold (each user's second-latest rating), never on test items.
// Item metadata also reaches the ranker as categorical tokens (genres, tags, release decade / half-decade) for the
// sparse TF-IDF channel, with the IDF over the host's catalogue. Every grid below is evaluated on the validation fold
// and the winner recorded (with the whole grid) under `hyperparameters` in the JSON.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ndcg, rankOfTest } from '../../src/core/ranking-metrics';
import { itemGram } from '../../src/core/fold-in';
import { scoreForBench, type RankCandidate, type RankOptions, type RatedItem } from '../../src/core/ranking';
import { BUNDLED_EMBEDDER } from '../../src/embed/embedder-config';
import { TransformersEmbedder } from '../../src/embed/transformers-embedder';
import { seededRandom } from '../../tests/support/seeded-random.ts';
import { BprModel, itemCounts } from './baselines.ts';
import { genreToken, hostPersonas, type HostPersonas } from './host-personas.ts';
import type { Dataset } from './data.ts';
import type { RankingScorer } from './evaluate.ts';
import type { Fold, Split, UserHistory } from './split.ts';

export interface PersonaScorerContext {
  readonly dataset: Dataset;
  readonly split: Split;
  /** The fold being scored: `validation` for tuning (its targets are training data), then `test`. */
  readonly fold: Fold;
  readonly seed: number;
  /** Where derived data (catalogue embedding, host item factors) may be cached between runs (--cache). */
  readonly cacheDir?: string;
}

export interface PersonaScorerEntry {
  /** Row name in the summary; must start with `persona_`. */
  readonly name: `persona_${string}`;
  /**
   * Builds the scorer for a fold. Called once for `validation` (tune here; return the chosen values from
   * `hyperparameters`) and once for `test`. A Persona scorer should read only `history.ratings` and item metadata
   * (`dataset.items`) — plus global popularity for a `_pop` variant — not other users' histories.
   */
  build(context: PersonaScorerContext): RankingScorer | Promise<RankingScorer>;
  /** Chosen hyper-parameters, recorded in the JSON (read after the test fold is built). */
  hyperparameters?(): Record<string, unknown>;
  /**
   * Median ms to rank 1,000 candidates for one user. Without it the harness times `build`'s scorer in Node
   * (score + sort of 1,000 catalogue items, median over 100 users).
   */
  rank1000MsP50?(context: PersonaScorerContext): number | Promise<number>;
}

/** The BPR-MF baseline's validated settings, reused for the host's item factors. */
const HOST_BPR = { factors: 64, lr: 0.05, reg: 0.005, epochs: 105 };
const FOLDS = 5;

let itemVectors: { dim: number; vectors: Float32Array } | undefined;

/** A Float32Array cached under `dir` by a key, computed when absent (no dir: always computed). */
async function cached(dir: string | undefined, key: string, compute: () => Float32Array | Promise<Float32Array>): Promise<Float32Array> {
  if (!dir) return compute();
  const path = join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 16)}.f32`);
  if (existsSync(path)) {
    const bytes = readFileSync(path);
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }
  const value = await compute();
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  return value;
}

/** Every catalogue item embedded once with the bundled model: "title. genres. tags". */
async function embedCatalogue(dataset: Dataset, cacheDir?: string): Promise<{ dim: number; vectors: Float32Array }> {
  if (itemVectors) return itemVectors;
  if (cacheDir) {
    const vectors = await cached(cacheDir, `embed|${dataset.dir}|${dataset.items.length}|${BUNDLED_EMBEDDER.model}`, async () => (await embedCatalogueNow(dataset)).vectors);
    itemVectors = { dim: vectors.length / Math.max(1, dataset.items.length), vectors };
    return itemVectors;
  }
  return embedCatalogueNow(dataset);
}

async function embedCatalogueNow(dataset: Dataset): Promise<{ dim: number; vectors: Float32Array }> {
  if (itemVectors) return itemVectors;
  const embedder = await TransformersEmbedder.load({ ...BUNDLED_EMBEDDER, localModelPath: fileURLToPath(new URL('../../public/models/', import.meta.url)) });
  const texts = dataset.items.map((item) => `${item.title}. ${item.genres.join(', ')}. ${item.tags.slice(0, 20).join(', ')}`);
  const vectors = await embedder.embed(texts);
  itemVectors = { dim: embedder.dim, vectors };
  await embedder.dispose();
  return itemVectors;
}

interface HostFactors {
  factorOf: (user: number) => (item: number) => Float32Array;
  /** VᵀV of the catalogue's factors in the user's fold model, for the implicit fold-in. */
  gramOf: (user: number) => Float64Array;
  /** A fixed sample of the host's catalogue (id, factor) in the user's fold model: the BPR fold-in's negatives. */
  negativesOf: (user: number) => { id: string; factor: Float32Array }[];
}

const NEGATIVE_SAMPLE = 2000;

/** Host item factors per user: BPR-MF trained without the user's fold, with the item bias as one more dimension. */
async function hostFactors(context: PersonaScorerContext): Promise<HostFactors> {
  const { fold, dataset, split, seed } = context;
  const d = HOST_BPR.factors;
  const models: Float32Array[] = [];
  for (let f = 0; f < FOLDS; f++) {
    const key = `host|${dataset.dir}|${dataset.ratings.length}|${fold.name}|${seed}|${f}/${FOLDS}|${JSON.stringify(HOST_BPR)}`;
    models.push(await cached(context.cacheDir, key, () => trainHostFold(context, f)));
  }
  const random = seededRandom(seed + 555);
  const sample = Array.from({ length: Math.min(NEGATIVE_SAMPLE, split.catalogue.length) }, () => split.catalogue[Math.floor(random() * split.catalogue.length)] as number);
  const negatives = models.map((factors) => [...new Set(sample)].map((item) => ({ id: String(item), factor: factors.subarray(item * (d + 1), (item + 1) * (d + 1)) })));
  const grams = models.map((factors) => itemGram(Array.from(split.catalogue, (item) => factors.subarray(item * (d + 1), (item + 1) * (d + 1)))));
  return {
    factorOf: (user) => {
      const factors = models[user % FOLDS] as Float32Array;
      return (item) => factors.subarray(item * (d + 1), (item + 1) * (d + 1));
    },
    gramOf: (user) => grams[user % FOLDS] as Float64Array,
    negativesOf: (user) => negatives[user % FOLDS] ?? [],
  };
}

/** One fold's host model: BPR-MF on every user but fold `f`'s; item factor and bias packed as d + 1 numbers. */
function trainHostFold(context: PersonaScorerContext, f: number): Float32Array {
  const { fold, dataset, split, seed } = context;
  const itemCount = dataset.items.length;
  const d = HOST_BPR.factors;
  {
    const histories: UserHistory[] = fold.histories.map((history, user) => (user % FOLDS === f ? { user, ratings: [] } : history));
    const withoutFold: Fold = { ...fold, histories, train: fold.train.filter((r) => r.user % FOLDS !== f) };
    const model = new BprModel(withoutFold, itemCount, split.catalogue, { factors: d, lr: HOST_BPR.lr, reg: HOST_BPR.reg }, seed + 100 + f);
    for (let e = 0; e < HOST_BPR.epochs; e++) model.epoch();
    const factors = new Float32Array(itemCount * (d + 1));
    for (let i = 0; i < itemCount; i++) {
      factors.set(model.q.subarray(i * d, (i + 1) * d), i * (d + 1));
      factors[i * (d + 1) + d] = model.b[i] as number;
    }
    return factors;
  }
}

/**
 * Host-provided item metadata as categorical tokens for the sparse channel: genres, tags (lower-cased) and the release
 * decade and half-decade parsed from the title's "(1999)". The IDF is computed over the whole catalogue's metadata — what a host
 * knows about its own items, no user data involved.
 */
interface ItemFeatures {
  tokens: string[][];
  idf: Record<string, number>;
}
let itemFeatures: ItemFeatures | undefined;
function catalogueFeatures(dataset: Dataset): ItemFeatures {
  if (itemFeatures) return itemFeatures;
  const tokens = dataset.items.map((item) => {
    const out = item.genres.map(genreToken);
    for (const t of item.tags) out.push(`t:${t.trim().toLowerCase()}`);
    const year = /\((\d{4})\)\s*$/.exec(item.title.trim())?.[1];
    if (year) out.push(`d:${year.slice(0, 3)}0s`, `y:${Math.floor(Number(year) / 5) * 5}`);
    return [...new Set(out)];
  });
  const df = new Map<string, number>();
  for (const list of tokens) for (const t of list) df.set(t, (df.get(t) ?? 0) + 1);
  const n = tokens.length;
  const idf: Record<string, number> = {};
  for (const [t, count] of df) idf[t] = Math.log((n + 1) / (count + 1)) + 1;
  itemFeatures = { tokens, idf };
  return itemFeatures;
}

interface Setup {
  vectors: { dim: number; vectors: Float32Array };
  features: ItemFeatures;
  popularity?: Float64Array;
  factors?: HostFactors;
  personas?: HostPersonas;
}

/** A variant's tunable settings: the ranker's options, and how many personas the host clusters its users into. */
type VariantOptions = RankOptions & { personaCount?: number };

function scorer(setup: Setup, { personaCount: _count, ...options }: VariantOptions): RankingScorer {
  const { dim, vectors } = setup.vectors;
  const vectorOf = (item: number) => vectors.subarray(item * dim, (item + 1) * dim);
  return (history, candidates) => {
    const factorOf = setup.factors?.factorOf(history.user);
    const rated: RatedItem[] = history.ratings.map((r) => ({
      id: String(r.item),
      rating: r.rating,
      ts: r.timestamp * 1_000,
      vector: vectorOf(r.item),
      features: setup.features.tokens[r.item] ?? [],
      ...(factorOf ? { factor: factorOf(r.item) } : {}),
    }));
    const list: RankCandidate[] = Array.from(candidates, (item) => ({
      id: String(item),
      vector: vectorOf(item),
      features: setup.features.tokens[item] ?? [],
      ...(setup.popularity ? { popularity: setup.popularity[item] } : {}),
      ...(factorOf ? { factor: factorOf(item) } : {}),
    }));
    const personas = setup.personas?.personasFor(history.user);
    const withIdf = { ...options, featureIdf: setup.features.idf, ...(personas ? { personas } : {}) };
    if (!setup.factors) return scoreForBench(rated, list, withIdf);
    const host = setup.factors;
    return scoreForBench(rated, list, {
      ...withIdf,
      foldInMode: options.foldInMode ?? 'implicit',
      ...(options.foldInMode === 'bpr' ? { foldInNegatives: host.negativesOf(history.user) } : { foldInGram: host.gramOf(history.user) }),
    });
  };
}

/** Mean NDCG@10 over a fold's cases at 100 negatives: what each variant tunes on (validation only). */
function foldNdcg(fold: Fold, score: RankingScorer): number {
  let sum = 0;
  for (const c of fold.cases) {
    const candidates = new Int32Array([c.target, ...c.negatives]);
    sum += ndcg(rankOfTest(score(c.history, candidates), 0), 10);
  }
  return sum / fold.cases.length;
}

/** A variant: its fixed weights and the grid its remaining options are tuned over on the validation fold. */
function variant(
  name: `persona_${string}`,
  uses: { popularity: boolean; factors: boolean; personas?: boolean },
  weights: RankOptions['weights'],
  grid: readonly VariantOptions[],
): PersonaScorerEntry {
  let chosen: VariantOptions | undefined;
  let tuning: { options: VariantOptions; ndcg10: number }[] = [];
  return {
    name,
    async build(context) {
      const base: Setup = {
        vectors: await embedCatalogue(context.dataset, context.cacheDir),
        features: catalogueFeatures(context.dataset),
        ...(uses.popularity ? { popularity: itemCounts(context.fold, context.dataset.items.length) } : {}),
        ...(uses.factors ? { factors: await hostFactors(context) } : {}),
      };
      const personasByCount = new Map<number, HostPersonas>();
      const setupFor = (options: VariantOptions): Setup => {
        if (!uses.personas) return base;
        const count = options.personaCount ?? DEFAULT_PERSONAS;
        const personas = personasByCount.get(count) ?? hostPersonas(context.dataset, context.fold, count, context.seed);
        personasByCount.set(count, personas);
        return { ...base, personas };
      };
      const build = (options: VariantOptions) => scorer(setupFor(options), { ...options, weights: { ...weights, ...options.weights } });
      if (context.fold.name === 'validation') {
        tuning = grid.map((options) => ({ options, ndcg10: foldNdcg(context.fold, build(options)) }));
        chosen = [...tuning].sort((a, b) => b.ndcg10 - a.ndcg10)[0]?.options;
      }
      return build(chosen ?? grid[0] ?? {});
    },
    hyperparameters: () => ({ weights, chosen, tuning: tuning.map((t) => ({ ...t.options, ndcg10_validation: Number(t.ndcg10.toFixed(4)) })) }),
  };
}

const DAY = 86_400_000;
const DEFAULT_PERSONAS = 8;
const RECENCY = [{ halfLifeMs: 90 * DAY }, { halfLifeMs: 365 * DAY }, { halfLifeMs: Infinity }] as const;

/** Recency by time (days) or by position (the k-th newest interaction weighs 0.5^(k / h)). */
const RECENCY_TIME_OR_POSITION = [...RECENCY.map((r) => ({ ...r, halfLifeItems: Infinity })), { halfLifeMs: Infinity, halfLifeItems: 5 }, { halfLifeMs: Infinity, halfLifeItems: 10 }];

/** The fold-in variants' fixed weights and grid (the full blend tunes the persona prior's weight on top of it). */
const FOLD_IN_WEIGHTS = { content: 1, features: 0.5, foldIn: 32, preference: 0, popularity: 1, persona: 0 };
const FOLD_IN_GRID: readonly VariantOptions[] = [5, 10].flatMap((halfLifeItems) =>
  [32, 64].flatMap((foldIn) =>
    [0.5, 0.65].flatMap((foldInNeighbourWeight) =>
      [40, 80].map((foldInAlpha) => ({ shrinkageK: 5, foldInAlpha, foldInLambda: 1, foldInNeighbourWeight, featureRatingWeight: 0, halfLifeMs: Infinity, halfLifeItems, weights: { foldIn } })),
    ),
  ),
);

/** Registered Persona scorers: content alone, + popularity, + the persona prior, + host item factors, all of it. */
export const personaScorers: readonly PersonaScorerEntry[] = [
  variant(
    'persona_content',
    { popularity: false, factors: false },
    { content: 1, features: 1, foldIn: 0, preference: 0, popularity: 0, persona: 0 },
    [0.5, 1].flatMap((content) => RECENCY_TIME_OR_POSITION.map((r) => ({ ...r, featureRatingWeight: 1, weights: { content } }))),
  ),
  variant(
    'persona_content_pop',
    { popularity: true, factors: false },
    { content: 1, features: 1, foldIn: 0, preference: 0, popularity: 1, persona: 0 },
    [0.25].flatMap((content) =>
      [200, 250, 320].flatMap((shrinkageK) => [2, 3, 5].map((halfLifeItems) => ({ shrinkageK, halfLifeMs: Infinity, halfLifeItems, featureRatingWeight: 0, weights: { content } }))),
    ),
  ),
  variant(
    'persona_content_pop_persona',
    { popularity: true, factors: false, personas: true },
    { content: 1, features: 1, foldIn: 0, preference: 0, popularity: 1, persona: 1 },
    [200, 320].flatMap((shrinkageK) =>
      [0.5, 1, 2].flatMap((persona) => [8, 16].map((personaCount) => ({ personaCount, shrinkageK, halfLifeMs: Infinity, halfLifeItems: 3, featureRatingWeight: 0, weights: { content: 0.25, persona } }))),
    ),
  ),
  variant('persona_content_pop_foldin', { popularity: true, factors: true }, FOLD_IN_WEIGHTS, FOLD_IN_GRID),
  variant(
    'persona_full',
    { popularity: true, factors: true, personas: true },
    { ...FOLD_IN_WEIGHTS, persona: 1 },
    FOLD_IN_GRID.filter((options) => options.foldInNeighbourWeight === 0.65).flatMap((options) =>
      [0, 0.5, 1].map((persona) => ({ ...options, personaCount: DEFAULT_PERSONAS, weights: { ...options.weights, persona } })),
    ),
  ),
];
