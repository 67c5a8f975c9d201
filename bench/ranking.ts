// The MovieLens ranking benchmark (issue 6): leave-one-out, each user's latest rating ranked against 100 (and 19)
// sampled items the user never rated, HR@10 / NDCG@10, ties against the target (protocol: ../shared/datasets/README.md).
// Centralized baselines run in the same process on the same negatives: Random, MostPop, ItemKNN, BPR-MF. Their
// hyper-parameters are chosen on a validation fold (each user's second-latest rating, held out of training) and then
// refit on the full training split; test items are never looked at while tuning. Persona rankers plug in through
// bench/ranking/persona-scorers.ts.
// Usage: npm run bench:ranking [-- --data DIR (default ../shared/datasets/ml-latest-small) --seed 42
//                                  --out bench/results/ranking.json --quick (smaller tuning grids)
//                                  --users N (a fixed seeded subset of N users, for fast iteration; full runs confirm)
//                                  --persona-only (skip ItemKNN and BPR-MF) --persona NAME (only that Persona variant) --cache DIR (reuse the catalogue embedding
//                                  and host item factors across runs; they depend only on data, seed and settings)]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BprModel, ItemKnnModel, mostPopScorer, randomScorer, type BprParams, type ItemKnnParams } from './ranking/baselines.ts';
import { loadDataset } from './ranking/data.ts';
import { evaluate, timeRank1000, type Metrics, type RankingScorer } from './ranking/evaluate.ts';
import { personaScorers, type PersonaScorerContext } from './ranking/persona-scorers.ts';
import { leaveOneOut, subsetUsers, type Fold } from './ranking/split.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: fileURLToPath(new URL('../../shared/datasets/ml-latest-small', import.meta.url)) },
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/ranking.json', import.meta.url)) },
    quick: { type: 'boolean', default: false },
    users: { type: 'string' },
    'persona-only': { type: 'boolean', default: false },
    persona: { type: 'string' },
    cache: { type: 'string' },
  },
});
const seed = Number(values.seed);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, not ${values.seed}`);
const quick = values.quick;
const onReferenceData = /(^|[\\/])ml-latest-small[\\/]?$/.test(values.data);

const started = performance.now();
const progress = (message: string): void => {
  console.error(`${((performance.now() - started) / 1_000).toFixed(1).padStart(6)} s ${message}`);
};

const dataset = loadDataset(values.data);
const fullSplit = leaveOneOut(dataset, seed);
// --users N: the same seeded subset of users in both folds (every method sees the same users); the centralized
// models still train on everyone's training data, only the evaluated cases shrink.
const userLimit = values.users === undefined ? undefined : Number(values.users);
if (userLimit !== undefined && !(Number.isInteger(userLimit) && userLimit > 0)) throw new Error(`--users must be a positive integer, not ${values.users}`);
const split = userLimit === undefined ? fullSplit : subsetUsers(fullSplit, userLimit, seed);
const itemCount = dataset.items.length;
if (userLimit !== undefined) progress(`--users ${userLimit}: evaluating a seeded subset of users (not comparable to full-run figures)`);
progress(
  `${dataset.userIds.length} users, ${itemCount} items (${split.catalogue.length} rated), ${dataset.ratings.length} ratings; ` +
    `${split.test.cases.length} test users (${split.test.skippedUsers} skipped: < 2 ratings), ` +
    `${split.validation.cases.length} validation users (${split.validation.skippedUsers} skipped: < 3 ratings)`,
);

interface Row extends Metrics {
  rank_1000_ms_p50?: number;
}
const rows = new Map<string, Row>();
const hyperparameters: Record<string, unknown> = {};
const tuning: Record<string, unknown[]> = {};
const fitSeconds: Record<string, number> = {};
const ablations: Record<string, unknown> = {};
const round = (x: number): number => Math.round(x * 10_000) / 10_000;

const finish = (name: string, fold: Fold, scorer: RankingScorer, rank1000?: number): void => {
  const m = evaluate(fold, scorer);
  rows.set(name, { ...m, rank_1000_ms_p50: rank1000 ?? timeRank1000(fold, split.catalogue, scorer) });
  progress(`${name}: HR@10 ${m.hr10_n100.toFixed(3)} NDCG@10 ${m.ndcg10_n100.toFixed(3)} (100 neg), NDCG@10 ${m.ndcg10_n19.toFixed(3)} (19 neg)`);
};
const validationScore = (scorer: RankingScorer): number => evaluate(split.validation, scorer, { n19: false }).ndcg10_n100;

// Random and MostPop have nothing to tune.
finish('random', split.test, randomScorer(seed));
finish('mostpop', split.test, mostPopScorer(split.test, itemCount));

// ItemKNN: grid over shrink × α × k × history half-life on validation NDCG@10 (100 negatives); one similarity build
// per (shrink, α), k and half-life only change scoring. The plain variant (no recency decay) is tuned the same way
// and recorded under `ablations`, so the effect of the decay is visible.
if (!values['persona-only']) {
  const t0 = performance.now();
  const shrinks = quick ? [10] : [0, 10, 25, 50];
  const alphas = quick ? [0.5] : [0.5, 0.6, 0.7];
  const ks = quick ? [50, 100] : [20, 50, 100, 200, 400];
  const halfLives = quick ? [Number.POSITIVE_INFINITY, 10] : [Number.POSITIVE_INFINITY, 100, 30, 10, 5, 3];
  const maxK = Math.max(...ks);
  type Choice = Omit<ItemKnnParams, 'userExp'> & { halfLife: number; ndcg: number };
  let best: Choice = { k: 0, shrink: 0, alpha: 0.5, halfLife: Number.POSITIVE_INFINITY, ndcg: -1 };
  let plain: Choice = best;
  const grid: unknown[] = [];
  tuning.itemknn = grid;
  for (const shrink of shrinks) {
    for (const alpha of alphas) {
      const model = new ItemKnnModel(split.validation, itemCount, { shrink, alpha, userExp: 0 }, maxK);
      for (const k of ks) {
        for (const halfLife of halfLives) {
          const ndcg = validationScore(model.scorer(k, halfLife));
          grid.push({ shrink, alpha, k, half_life: Number.isFinite(halfLife) ? halfLife : null, val_ndcg10_n100: round(ndcg) });
          if (ndcg > best.ndcg) best = { k, shrink, alpha, halfLife, ndcg };
          if (!Number.isFinite(halfLife) && ndcg > plain.ndcg) plain = { k, shrink, alpha, halfLife, ndcg };
        }
      }
    }
  }
  const describe = (c: Choice): Record<string, unknown> => ({
    k: c.k,
    shrink: c.shrink,
    alpha: c.alpha,
    history_half_life: Number.isFinite(c.halfLife) ? c.halfLife : null,
    similarity: 'asymmetric cosine on implicit feedback',
    validation_ndcg10_n100: round(c.ndcg),
  });
  progress(`itemknn tuned: ${JSON.stringify(describe(best))}`);
  hyperparameters.itemknn = describe(best);
  const model = new ItemKnnModel(split.test, itemCount, { shrink: best.shrink, alpha: best.alpha, userExp: 0 }, maxK);
  fitSeconds.itemknn = (performance.now() - t0) / 1000;
  finish('itemknn', split.test, model.scorer(best.k, best.halfLife));
  const plainModel = new ItemKnnModel(split.test, itemCount, { shrink: plain.shrink, alpha: plain.alpha, userExp: 0 }, maxK);
  const m = evaluate(split.test, plainModel.scorer(plain.k));
  ablations.itemknn_no_recency = { ...describe(plain), hr10_n100: round(m.hr10_n100), ndcg10_n100: round(m.ndcg10_n100), ndcg10_n19: round(m.ndcg10_n19) };
  progress(`itemknn without recency decay: HR@10 ${m.hr10_n100.toFixed(3)} NDCG@10 ${m.ndcg10_n100.toFixed(3)} (ablation)`);
}

// BPR-MF: grid over lr × reg, the number of epochs chosen by validation checkpoints (early stopping on validation),
// then a fresh model with the chosen values trained on the full training split.
if (!values['persona-only']) {
  const t0 = performance.now();
  const factors = 64;
  const lrs = quick ? [0.05] : [0.05, 0.1];
  const regs = quick ? [0.005] : [0.001, 0.005, 0.02];
  const maxEpochs = quick ? 20 : 150;
  const every = quick ? 5 : 15;
  let best: BprParams & { ndcg: number } = { factors, lr: lrs[0] ?? 0.05, reg: regs[0] ?? 0.005, epochs: every, ndcg: -1 };
  tuning.bprmf = [];
  for (const lr of lrs) {
    for (const reg of regs) {
      const model = new BprModel(split.validation, itemCount, split.catalogue, { factors, lr, reg }, seed);
      for (let e = 1; e <= maxEpochs; e++) {
        model.epoch();
        if (e % every !== 0) continue;
        const ndcg = validationScore(model.scorer());
        tuning.bprmf.push({ lr, reg, epochs: e, val_ndcg10_n100: round(ndcg) });
        if (ndcg > best.ndcg) best = { factors, lr, reg, epochs: e, ndcg };
      }
      progress(`bprmf lr ${lr} reg ${reg} done; best so far lr ${best.lr} reg ${best.reg} epochs ${best.epochs} (validation NDCG@10 ${best.ndcg.toFixed(3)})`);
    }
  }
  hyperparameters.bprmf = { factors: best.factors, lr: best.lr, reg: best.reg, epochs: best.epochs, validation_ndcg10_n100: round(best.ndcg), negative_sampling: 'uniform over rated catalogue', item_bias: true, init_std: 0.1 };
  const model = new BprModel(split.test, itemCount, split.catalogue, best, seed);
  for (let e = 0; e < best.epochs; e++) model.epoch();
  fitSeconds.bprmf = (performance.now() - t0) / 1000;
  finish('bprmf', split.test, model.scorer());
}

// Persona rankers, when registered (bench/ranking/persona-scorers.ts).
for (const entry of personaScorers) {
  if (values.persona !== undefined && entry.name !== values.persona) continue;
  if (!entry.name.startsWith('persona_')) throw new Error(`Persona scorer name ${entry.name} must start with persona_`);
  const context = (fold: Fold): PersonaScorerContext => ({ dataset, split, fold, seed, ...(values.cache ? { cacheDir: values.cache } : {}) });
  const t0 = performance.now();
  const validation = await entry.build(context(split.validation));
  tuning[entry.name] = [{ val_ndcg10_n100: validationScore(validation) }];
  const scorer = await entry.build(context(split.test));
  fitSeconds[entry.name] = (performance.now() - t0) / 1000;
  if (entry.hyperparameters) hyperparameters[entry.name] = entry.hyperparameters();
  finish(entry.name, split.test, scorer, entry.rank1000MsP50 ? await entry.rank1000MsP50(context(split.test)) : undefined);
}

const summary = Object.fromEntries(
  [...rows].map(([name, r]) => [
    name,
    {
      hr10_n100: round(r.hr10_n100),
      ndcg10_n100: round(r.ndcg10_n100),
      ndcg10_n19: round(r.ndcg10_n19),
      hr10_n19: round(r.hr10_n19),
      ...(r.rank_1000_ms_p50 === undefined ? {} : { rank_1000_ms_p50: round(r.rank_1000_ms_p50) }),
    },
  ]),
);
// The reference figures (HR@10 / NDCG@10, 100 negatives, seed 42) each baseline must reach.
const reference = { mostpop: [0.595, 0.351], itemknn: [0.733, 0.49], bprmf: [0.748, 0.49] } as const;
const result = {
  benchmark: 'ranking',
  protocol: {
    split: 'leave-one-out by timestamp (ties: ascending movieId, the last is held out); validation = second-latest, held out of training',
    negatives: [100, 19],
    negative_pool: 'items with at least one rating, never rated by the user (first 19 of the 100-sample are the 19-sample)',
    ties: 'count against the test item',
    k: 10,
    seed,
    users_subset: userLimit ?? null,
    tuning_metric: 'validation NDCG@10, 100 negatives',
  },
  dataset: {
    dir: values.data,
    users: dataset.userIds.length,
    items: itemCount,
    rated_items: split.catalogue.length,
    ratings: dataset.ratings.length,
    duplicate_ratings_dropped: split.duplicateRatings,
    test_users: split.test.cases.length,
    test_users_skipped: split.test.skippedUsers,
    validation_users: split.validation.cases.length,
    validation_users_skipped: split.validation.skippedUsers,
  },
  summary,
  hyperparameters,
  reference,
  ablations,
  fit_seconds: Object.fromEntries(Object.entries(fitSeconds).map(([k, v]) => [k, round(v)])),
  tuning,
  runtime_s: round((performance.now() - started) / 1000),
  node: process.version,
};
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);

// The reference figures have three decimals; compare at that precision.
const meets = (r: Row, ref: readonly number[]): boolean =>
  Math.round(r.hr10_n100 * 1000) >= Math.round((ref[0] ?? 0) * 1000) && Math.round(r.ndcg10_n100 * 1000) >= Math.round((ref[1] ?? 0) * 1000);
const pad = (s: string, n: number): string => s.padEnd(n);
const f = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(3));
console.log(`\nMovieLens ranking (${values.data}), seed ${seed}, ${split.test.cases.length} users, HR/NDCG@10`);
const nameWidth = Math.max(22, ...[...rows].map(([name]) => name.length + 2));
console.log(`${pad('method', nameWidth)}${pad('HR n100', 10)}${pad('NDCG n100', 11)}${pad('NDCG n19', 10)}${pad('HR n19', 9)}${pad('rank1000 ms', 13)}reference n100`);
for (const [name, r] of rows) {
  // The reference figures were measured on ml-latest-small; on another --data folder they mean nothing.
  const ref = onReferenceData ? (reference as Record<string, readonly number[] | undefined>)[name] : undefined;
  const refText = ref ? `${f(ref[0])} / ${f(ref[1])} ${meets(r, ref) ? 'met' : 'NOT met'}` : '';
  console.log(
    `${pad(name, nameWidth)}${pad(f(r.hr10_n100), 10)}${pad(f(r.ndcg10_n100), 11)}${pad(f(r.ndcg10_n19), 10)}${pad(f(r.hr10_n19), 9)}` +
      `${pad(r.rank_1000_ms_p50 === undefined ? '—' : r.rank_1000_ms_p50.toFixed(3), 13)}${refText}`,
  );
}
console.log(`hyper-parameters: ${JSON.stringify(hyperparameters)}`);
console.log(`wrote ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
