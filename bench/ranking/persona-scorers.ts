// Hook point for Persona's own rankers (issue 6). The benchmark evaluates every entry registered here beside the
// baselines, on the same folds and negatives, and emits a `persona_*` row for each; with none registered it emits none.
// Expected names: persona_content, persona_content_pop, persona_full.
import type { Dataset } from './data.ts';
import type { RankingScorer } from './evaluate.ts';
import type { Fold, Split } from './split.ts';

export interface PersonaScorerContext {
  readonly dataset: Dataset;
  readonly split: Split;
  /** The fold being scored: `validation` for tuning (its targets are training data), then `test`. */
  readonly fold: Fold;
  readonly seed: number;
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

/** Registered Persona scorers; the engine owner adds entries here. */
export const personaScorers: readonly PersonaScorerEntry[] = [];
