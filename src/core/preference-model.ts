// The on-device preference model (Zhang et al. 2024, the RLHF line scaled to a browser): thumbs, edits, copies and
// regenerations train an online, L2-regularised logistic regression over embedding features. It re-ranks retrieved
// context and best-of-n candidates, blended with their retrieval scores so that a model that knows little changes
// little. It keeps the examples it learnt from, by source id, so deleting an event can retrain it without them.
//
// Features, for an item x (an answer, a retrieved item, a candidate) asked about with a query q, both L2-normalised:
//   [ x̂ (d) | √d · (q̂ ⊙ x̂) (d) | named scalars (s) ]
// - x̂ learns what the user likes whatever the question: topics, tone, length as the embedder sees it.
// - q̂ ⊙ x̂ is a diagonal bilinear term: w·(q̂ ⊙ x̂) = Σ wᵢ q̂ᵢ x̂ᵢ, a learnt re-weighting of the cosine(q, x). It lets the
//   model learn *which* agreements between question and answer the user values (w = 1 would be plain cosine)
//   without the d² weights a full bilinear form needs. Absent query → zeros (the block then says nothing).
//   √d puts the block at about unit norm, like x̂, so one learning rate and one L2 strength suit both.
// - scalars are opt-in by name (none by default). Feedback examples are answers judged just after they were written:
//   no retrieval score, recency always ~1. Training on those and serving on retrieved items would be train/serve
//   skew, so the retrieval score enters through the blend in rerank() instead. A host that trains on clicks over
//   ranked lists can name scalars such as 'retrieval' or 'recency'.
//
// Learning: AdaGrad (Duchi et al. 2011) — per-coordinate steps η / √Σg², so rare embedding directions still learn and
// frequent ones settle, with no schedule to tune — on the weighted logistic loss plus (λ/2)‖w‖²; the bias is not
// regularised. Everything is plain float arithmetic in a fixed order: the same examples in the same order give
// bit-identical weights, in Node and in browsers.
//
// Forgetting: the last `maxExamples` examples are kept, their vectors as int8 codes with one scale each (4× less than
// Float32; replay is bit-identical because the model trains on the decoded values even the first time). forget()
// removes the examples of the given sources and retrains from scratch on the rest, so the result is exactly the
// model trained without them.
import { InvalidInputError } from './errors';
import type { Feedback, FeedbackSignal } from './feedback';
import { shrinkage } from './granularity';
import * as v from 'valibot';
import { parseInput } from './input-validation';

export interface PreferenceInput {
  /** Embedding of the thing judged: an answer, a retrieved item, a generated candidate. */
  item: ArrayLike<number>;
  /** Embedding of the question it answered; omitted → the query-interaction block is zero. */
  query?: ArrayLike<number>;
  /** Values of the model's named scalars (its `scalars` option); a name left out counts 0. */
  scalars?: Readonly<Record<string, number>>;
}

export interface PreferenceExample {
  /**
   * What the example rests on — the feedback record, the answer event, the question event: deleting any of them
   * (forget) removes the example.
   */
  sourceIds: readonly string[];
  input: PreferenceInput;
}

export interface PreferenceCandidate {
  id: string;
  /** Retrieval (or generation) score; higher is better. Omit for candidates of equal standing (best-of-n samples). */
  score?: number;
  input: PreferenceInput;
}

export interface RerankedCandidate<C extends PreferenceCandidate> {
  candidate: C;
  /** The candidate's score on a 0–1 scale over the list (score / best score). */
  relevance: number;
  /** The model's probability that the user likes it. */
  probability: number;
  /** How much the model was allowed to move scores (0 = not at all). */
  influence: number;
  /** relevance × (1 + influence × (2·probability − 1)): what the list is sorted by. */
  combined: number;
}

export interface PreferenceModelOptions {
  /** Embedding dimension of items and queries. */
  dimension: number;
  /** Named scalar features, in a fixed order. Default none (see the header for why). */
  scalars?: readonly string[];
  /** AdaGrad base step. Default 1 / √dimension: the first step then moves a typical margin by about 1.4. */
  learningRate?: number;
  /** L2 strength λ on the weights (not the bias). Default 1e-3. */
  l2?: number;
  /** Examples kept for forget(); the oldest go first. Default 2,000. */
  maxExamples?: number;
  /** The most the model can scale a candidate's relevance: by 1 ± maxInfluence. Default 0.5. */
  maxInfluence?: number;
  /** Examples at which the model gets half of maxInfluence: influence = maxInfluence × n / (n + k). Default 20. */
  influenceHalfAt?: number;
  /** The embedding space (model id) the vectors come from, so a stored model is not reused across embedders. */
  space?: string;
}

type ResolvedOptions = Required<Omit<PreferenceModelOptions, 'space' | 'scalars'>> & { scalars: string[]; space: string | undefined };

/**
 * The label each feedback signal gives the answer it is about. Thumbs are full labels; an edit says the original was
 * wrong (and the edited text, learnt as +1, right); asking for another answer is a weaker no, copying a weaker yes
 * (both are also done for other reasons).
 */
export const FEEDBACK_LABELS = { up: 1, down: -1, edit: -1, regenerate: -0.5, copy: 0.5 } as const satisfies Record<FeedbackSignal, number>;

/** The examples one feedback record gives: the answer with its signal's label, and the edited answer as +1. */
export function feedbackExamples(
  feedback: Pick<Feedback, 'id' | 'answerId' | 'signal'>,
  inputs: { answer: PreferenceInput; edited?: PreferenceInput; sourceIds?: readonly string[] },
): { example: PreferenceExample; label: number }[] {
  const sourceIds = [...new Set([feedback.id, feedback.answerId, ...(inputs.sourceIds ?? [])])];
  const examples = [{ example: { sourceIds, input: inputs.answer }, label: FEEDBACK_LABELS[feedback.signal] }];
  if (feedback.signal === 'edit' && inputs.edited) examples.push({ example: { sourceIds, input: inputs.edited }, label: 1 });
  return examples;
}

/** One kept example: vectors as int8 codes × scale, already normalised. */
interface StoredExample {
  sourceIds: string[];
  label: number;
  item: Quantized;
  query: Quantized | undefined;
  scalars: Float64Array;
}

interface Quantized {
  codes: Int8Array;
  scale: number;
}

export class PreferenceModel {
  readonly options: Readonly<ResolvedOptions>;
  private weights: Float64Array;
  private gradSq: Float64Array;
  private bias = 0;
  private biasGradSq = 0;
  /** Updates the current weights rest on. */
  private seen = 0;
  /** Whether some update the weights rest on is no longer kept (so forget() cannot check it and must retrain). */
  private evicted = false;
  private examples: StoredExample[] = [];
  private readonly buffer: Float64Array;

  constructor(options: PreferenceModelOptions) {
    const { dimension } = options;
    if (!Number.isInteger(dimension) || dimension < 1) throw new InvalidInputError('options.dimension', 'must be an integer ≥ 1');
    const scalars = [...(options.scalars ?? [])];
    if (new Set(scalars).size !== scalars.length) throw new InvalidInputError('options.scalars', 'must not repeat a name');
    this.options = {
      dimension,
      scalars,
      learningRate: positive(options.learningRate ?? 1 / Math.sqrt(dimension), 'options.learningRate'),
      l2: nonNegative(options.l2 ?? 1e-3, 'options.l2'),
      maxExamples: positiveInteger(options.maxExamples ?? 2_000, 'options.maxExamples'),
      maxInfluence: unit(options.maxInfluence ?? 0.5, 'options.maxInfluence'),
      influenceHalfAt: positive(options.influenceHalfAt ?? 20, 'options.influenceHalfAt'),
      space: options.space,
    };
    const size = 2 * dimension + scalars.length;
    this.weights = new Float64Array(size);
    this.gradSq = new Float64Array(size);
    this.buffer = new Float64Array(size);
  }

  /** Updates the current weights rest on (after forget(): the examples kept). */
  get examplesSeen(): number {
    return this.seen;
  }

  /** Examples kept for forget(). */
  get examplesKept(): number {
    return this.examples.length;
  }

  /** How much rerank() lets the model move scores now: maxInfluence × shrinkage(examplesSeen, influenceHalfAt). */
  get influence(): number {
    return this.options.maxInfluence * shrinkage(this.seen, this.options.influenceHalfAt);
  }

  /**
   * Learns one example. `label`'s sign is the class (+ liked, − disliked) and its magnitude the example's weight
   * (1 for thumbs; see FEEDBACK_LABELS).
   */
  update(example: PreferenceExample, label: number): void {
    if (!Number.isFinite(label) || label === 0 || Math.abs(label) > 100) {
      throw new InvalidInputError('label', 'must be a non-zero finite number of magnitude ≤ 100 (+ liked, − disliked)');
    }
    const sourceIds = checkSourceIds(example.sourceIds);
    const stored: StoredExample = {
      sourceIds,
      label,
      item: quantize(this.normalized(example.input.item, 'input.item')),
      query: example.input.query ? quantize(this.normalized(example.input.query, 'input.query')) : undefined,
      scalars: this.scalarValues(example.input.scalars),
    };
    this.examples.push(stored);
    if (this.examples.length > this.options.maxExamples) {
      this.examples.shift();
      this.evicted = true;
    }
    this.learn(stored);
  }

  /** Learns every example a feedback record gives (see feedbackExamples). */
  learnFeedback(feedback: Pick<Feedback, 'id' | 'answerId' | 'signal'>, inputs: { answer: PreferenceInput; edited?: PreferenceInput; sourceIds?: readonly string[] }): void {
    for (const { example, label } of feedbackExamples(feedback, inputs)) this.update(example, label);
  }

  /** The probability that the user likes `input`: σ(w · features + b). 0.5 for an untrained model. */
  score(input: PreferenceInput): number {
    const features = this.features(this.normalized(input.item, 'input.item'), input.query ? this.normalized(input.query, 'input.query') : undefined, this.scalarValues(input.scalars));
    return sigmoid(this.margin(features));
  }

  /**
   * Sorts candidates by relevance × (1 + influence × (2p − 1)). Multiplicative, so preference re-orders what retrieval
   * found rather than promoting what it judged irrelevant; at full influence (0.5 by default) a liked item can pass
   * one up to 3× more relevant. Influence grows with the examples seen (none → exactly the retrieval order) and the
   * model's confidence enters through 2p − 1 (an unsure model, p ≈ ½, moves nothing). Ties keep the input order.
   */
  rerank<C extends PreferenceCandidate>(candidates: readonly C[]): RerankedCandidate<C>[] {
    const relevances = relevanceOf(candidates);
    const influence = this.influence;
    return candidates
      .map((candidate, index) => {
        const relevance = relevances[index] as number;
        const probability = this.score(candidate.input);
        return { index, ranked: { candidate, relevance, probability, influence, combined: relevance * (1 + influence * (2 * probability - 1)) } };
      })
      .sort((a, b) => b.ranked.combined - a.ranked.combined || a.index - b.index)
      .map(({ ranked }) => ranked);
  }

  /** The best of n generated candidates (or of any list): rerank()'s first; undefined for none. */
  bestOfN<C extends PreferenceCandidate>(candidates: readonly C[]): RerankedCandidate<C> | undefined {
    return this.rerank(candidates)[0];
  }

  /**
   * Removes the examples resting on any of `sourceIds` and retrains on the rest, so the model is the one trained
   * without them. It also retrains when examples have aged out of the kept window (their ids can no longer be
   * checked, and one of them might be what is being deleted): their influence is then dropped too. Returns how many
   * examples were removed.
   */
  forget(sourceIds: Iterable<string>): number {
    const ids = new Set(sourceIds);
    const before = this.examples.length;
    this.examples = this.examples.filter((e) => !e.sourceIds.some((id) => ids.has(id)));
    const removed = before - this.examples.length;
    if (removed > 0 || this.evicted) this.retrain();
    return removed;
  }

  /** Resets the weights and learns the kept examples again, in order. */
  retrain(): void {
    this.weights.fill(0);
    this.gradSq.fill(0);
    this.bias = 0;
    this.biasGradSq = 0;
    this.seen = 0;
    this.evicted = false;
    for (const example of this.examples) this.learn(example);
  }

  /** Plain JSON (numbers and arrays) for the settings store; fromJSON() restores an identical model. */
  toJSON(): PreferenceModelJSON {
    const { space, ...options } = this.options;
    return {
      format: FORMAT,
      version: 1,
      options: { ...options, ...(space === undefined ? {} : { space }) },
      weights: Array.from(this.weights),
      gradSq: Array.from(this.gradSq),
      bias: this.bias,
      biasGradSq: this.biasGradSq,
      seen: this.seen,
      evicted: this.evicted,
      examples: this.examples.map((e) => ({
        sourceIds: [...e.sourceIds],
        label: e.label,
        item: Array.from(e.item.codes),
        itemScale: e.item.scale,
        ...(e.query ? { query: Array.from(e.query.codes), queryScale: e.query.scale } : {}),
        scalars: Array.from(e.scalars),
      })),
    };
  }

  static fromJSON(json: unknown): PreferenceModel {
    const data = parseInput(modelSchema, json, 'preferenceModel');
    const model = new PreferenceModel(data.options);
    const { dimension } = model.options;
    const size = 2 * dimension + model.options.scalars.length;
    if (data.weights.length !== size || data.gradSq.length !== size) {
      throw new InvalidInputError('preferenceModel.weights', `must have ${size} entries for dimension ${dimension}`);
    }
    model.weights = Float64Array.from(data.weights);
    model.gradSq = Float64Array.from(data.gradSq);
    model.bias = data.bias;
    model.biasGradSq = data.biasGradSq;
    model.seen = data.seen;
    model.evicted = data.evicted;
    model.examples = data.examples.map((e, i) => {
      const field = `preferenceModel.examples[${i}]`;
      if (e.item.length !== dimension || (e.query && e.query.length !== dimension)) throw new InvalidInputError(field, `must have vectors of dimension ${dimension}`);
      if (e.scalars.length !== model.options.scalars.length) throw new InvalidInputError(`${field}.scalars`, `must have ${model.options.scalars.length} entries`);
      if ((e.query === undefined) !== (e.queryScale === undefined)) throw new InvalidInputError(`${field}.queryScale`, 'must be given exactly when query is');
      return {
        sourceIds: checkSourceIds(e.sourceIds),
        label: e.label,
        item: { codes: Int8Array.from(e.item), scale: e.itemScale },
        query: e.query && e.queryScale !== undefined ? { codes: Int8Array.from(e.query), scale: e.queryScale } : undefined,
        scalars: Float64Array.from(e.scalars),
      };
    });
    if (model.examples.length > model.options.maxExamples) throw new InvalidInputError('preferenceModel.examples', `must hold at most ${model.options.maxExamples} examples`);
    return model;
  }

  /** One AdaGrad step on the weighted logistic loss |label| · log(1 + e^(−y·m)) + (λ/2)‖w‖². */
  private learn(example: StoredExample): void {
    const features = this.features(dequantize(example.item), example.query ? dequantize(example.query) : undefined, example.scalars);
    const y = Math.sign(example.label);
    const weight = Math.abs(example.label);
    // d loss / d margin = −y · σ(−y·m), times the example's weight.
    const slope = -y * weight * sigmoid(-y * this.margin(features));
    const { learningRate, l2 } = this.options;
    const w = this.weights;
    const g2 = this.gradSq;
    for (let i = 0; i < w.length; i++) {
      const g = slope * (features[i] as number) + l2 * (w[i] as number);
      if (g === 0) continue;
      const sum = (g2[i] as number) + g * g;
      g2[i] = sum;
      w[i] = (w[i] as number) - (learningRate * g) / Math.sqrt(sum);
    }
    this.biasGradSq += slope * slope;
    if (slope !== 0) this.bias -= (learningRate * slope) / Math.sqrt(this.biasGradSq);
    this.seen++;
  }

  private margin(features: Float64Array): number {
    let m = this.bias;
    const w = this.weights;
    for (let i = 0; i < w.length; i++) m += (w[i] as number) * (features[i] as number);
    return m;
  }

  /** [x̂ | √d · q̂ ⊙ x̂ | scalars] into the model's reusable buffer. */
  private features(item: ArrayLike<number>, query: ArrayLike<number> | undefined, scalars: Float64Array): Float64Array {
    const d = this.options.dimension;
    const f = this.buffer;
    const root = Math.sqrt(d);
    for (let i = 0; i < d; i++) {
      const x = item[i] as number;
      f[i] = x;
      f[d + i] = query ? root * (query[i] as number) * x : 0;
    }
    f.set(scalars, 2 * d);
    return f;
  }

  /** Checks dimension and finiteness, and scales to unit length (a zero vector stays zero). */
  private normalized(vector: ArrayLike<number>, field: string): Float64Array {
    const d = this.options.dimension;
    if (vector.length !== d) throw new InvalidInputError(field, `has dimension ${vector.length}, expected ${d}`);
    let norm = 0;
    for (let i = 0; i < d; i++) {
      const x = vector[i] as number;
      if (!Number.isFinite(x)) throw new InvalidInputError(`${field}[${i}]`, 'must be a finite number');
      norm += x * x;
    }
    const out = new Float64Array(d);
    if (norm === 0) return out;
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < d; i++) out[i] = (vector[i] as number) * inv;
    return out;
  }

  private scalarValues(values: Readonly<Record<string, number>> | undefined): Float64Array {
    const names = this.options.scalars;
    if (values) {
      for (const key of Object.keys(values)) if (!names.includes(key)) throw new InvalidInputError(`input.scalars.${key}`, `is not one of the model's scalars (${names.join(', ') || 'none'})`);
    }
    return Float64Array.from(names, (name) => {
      const x = values?.[name] ?? 0;
      if (!Number.isFinite(x)) throw new InvalidInputError(`input.scalars.${name}`, 'must be a finite number');
      return x;
    });
  }
}

const FORMAT = 'persona-preference-model';

const finite = v.pipe(v.number('must be a number'), v.finite('must be finite'));
const numbers = v.array(finite, 'must be a list of numbers');
const int8 = v.array(v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(-127, 'must be ≥ −127'), v.maxValue(127, 'must be ≤ 127')), 'must be a list of int8 codes');

const modelSchema = v.object({
  format: v.literal(FORMAT, `must be '${FORMAT}'`),
  version: v.literal(1, 'must be 1 (this build reads version 1)'),
  options: v.object({
    dimension: v.number('must be a number'),
    scalars: v.array(v.string('must be a string'), 'must be a list of names'),
    learningRate: v.number('must be a number'),
    l2: v.number('must be a number'),
    maxExamples: v.number('must be a number'),
    maxInfluence: v.number('must be a number'),
    influenceHalfAt: v.number('must be a number'),
    space: v.optional(v.string('must be a string')),
  }),
  weights: numbers,
  gradSq: numbers,
  bias: finite,
  biasGradSq: v.pipe(finite, v.minValue(0, 'must be ≥ 0')),
  seen: v.pipe(finite, v.integer('must be an integer'), v.minValue(0, 'must be ≥ 0')),
  evicted: v.boolean('must be true or false'),
  examples: v.array(
    v.object({
      sourceIds: v.array(v.string('must be a string'), 'must be a list of ids'),
      label: v.pipe(finite, v.check((x) => x !== 0 && Math.abs(x) <= 100, 'must be non-zero, of magnitude ≤ 100')),
      item: int8,
      itemScale: v.pipe(finite, v.minValue(0, 'must be ≥ 0')),
      query: v.optional(int8),
      queryScale: v.optional(v.pipe(finite, v.minValue(0, 'must be ≥ 0'))),
      scalars: numbers,
    }),
    'must be a list of examples',
  ),
});

export type PreferenceModelJSON = v.InferInput<typeof modelSchema>;

/** Scores on a 0–1 scale over the list: score / best when the best is positive, else min-max; all 1 without scores. */
function relevanceOf(candidates: readonly PreferenceCandidate[]): number[] {
  const scores = candidates.map((c, i) => {
    const s = c.score ?? 1;
    if (!Number.isFinite(s)) throw new InvalidInputError(`candidates[${i}].score`, 'must be a finite number');
    return s;
  });
  const top = Math.max(...scores);
  const lowest = Math.min(...scores);
  if (top > 0) return scores.map((s) => Math.max(0, s) / top);
  const range = top - lowest;
  return scores.map((s) => (range > 0 ? (s - lowest) / range : 1));
}

function quantize(vector: Float64Array): Quantized {
  let max = 0;
  for (const x of vector) max = Math.max(max, Math.abs(x));
  const scale = max / 127;
  const codes = new Int8Array(vector.length);
  if (scale > 0) for (let i = 0; i < vector.length; i++) codes[i] = Math.round((vector[i] as number) / scale);
  return { codes, scale };
}

function dequantize({ codes, scale }: Quantized): Float64Array {
  return Float64Array.from(codes, (c) => c * scale);
}

function sigmoid(x: number): number {
  // Written both ways so neither branch overflows exp().
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function checkSourceIds(ids: readonly string[]): string[] {
  if (ids.length === 0) throw new InvalidInputError('example.sourceIds', 'must name at least one source (so the example can be forgotten)');
  for (const id of ids) if (typeof id !== 'string' || id.length === 0 || id.length > 200) throw new InvalidInputError('example.sourceIds', 'must be ids of 1–200 characters');
  return [...ids];
}

function positive(x: number, field: string): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new InvalidInputError(field, 'must be a finite number > 0');
  return x;
}

function nonNegative(x: number, field: string): number {
  if (!(x >= 0) || !Number.isFinite(x)) throw new InvalidInputError(field, 'must be a finite number ≥ 0');
  return x;
}

function unit(x: number, field: string): number {
  if (!(x >= 0 && x <= 1)) throw new InvalidInputError(field, 'must be between 0 and 1');
  return x;
}

function positiveInteger(x: number, field: string): number {
  if (!Number.isInteger(x) || x < 1) throw new InvalidInputError(field, 'must be an integer ≥ 1');
  return x;
}
