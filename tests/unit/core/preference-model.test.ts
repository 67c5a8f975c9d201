import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors';
import { FEEDBACK_LABELS, PreferenceModel, feedbackExamples, type PreferenceCandidate, type PreferenceInput } from '../../../src/core/preference-model';
import { gaussian, seededRandom } from '../../support/synthetic-vectors';

const DIM = 16;

function randomVector(random: () => number, dim = DIM): number[] {
  return Array.from({ length: dim }, () => gaussian(random));
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, x, i) => sum + x * (b[i] as number), 0);
}

function norm(a: readonly number[]): number {
  return Math.sqrt(dot(a, a));
}

/**
 * A separable toy signal: the user likes items on one side of a hidden direction. Items too close to the boundary
 * (|cos| < margin) are left out so the two classes are separated by a margin, as a separable signal should be.
 */
function toyData(seed: number, count: number, hidden: readonly number[], margin = 0.1): { input: PreferenceInput; label: 1 | -1 }[] {
  const random = seededRandom(seed);
  const data: { input: PreferenceInput; label: 1 | -1 }[] = [];
  while (data.length < count) {
    const item = randomVector(random);
    const cos = dot(item, hidden) / (norm(item) * norm(hidden));
    if (Math.abs(cos) < margin) continue;
    data.push({ input: { item }, label: cos > 0 ? 1 : -1 });
  }
  return data;
}

function accuracy(model: PreferenceModel, data: readonly { input: PreferenceInput; label: 1 | -1 }[]): number {
  const right = data.filter(({ input, label }) => (model.score(input) >= 0.5 ? 1 : -1) === label).length;
  return right / data.length;
}

function train(model: PreferenceModel, data: readonly { input: PreferenceInput; label: number }[], prefix = 'ex'): PreferenceModel {
  data.forEach(({ input, label }, i) => {
    model.update({ sourceIds: [`${prefix}${i}`], input }, label);
  });
  return model;
}

describe('PreferenceModel learning', () => {
  test('learns a separable toy signal: ≥ 0.95 accuracy on held-out data', () => {
    const hidden = randomVector(seededRandom(1));
    const model = train(new PreferenceModel({ dimension: DIM }), toyData(2, 400, hidden));
    const heldOut = toyData(3, 1_000, hidden);
    expect(accuracy(model, heldOut)).toBeGreaterThanOrEqual(0.95);
    expect(model.examplesSeen).toBe(400);
  });

  test('the query-interaction block learns a query-dependent taste the item block alone cannot', () => {
    // The user likes answers that agree with the question along the first four dimensions, whatever the topic: a
    // signal with no fixed direction in item space, so only q ⊙ x can carry it.
    const random = seededRandom(11);
    const make = (count: number) =>
      Array.from({ length: count }, () => {
        const query = randomVector(random);
        const item = randomVector(random);
        const agreement = [0, 1, 2, 3].reduce((sum, i) => sum + (query[i] as number) * (item[i] as number), 0);
        return { input: { item, query }, label: agreement > 0 ? 1 : -1 } as const;
      });
    const trainSet = make(1_500);
    const heldOut = make(1_000);
    const withQuery = train(new PreferenceModel({ dimension: DIM }), trainSet);
    const withoutQuery = train(
      new PreferenceModel({ dimension: DIM }),
      trainSet.map(({ input, label }) => ({ input: { item: input.item }, label })),
    );
    const itemOnly = heldOut.map(({ input, label }) => ({ input: { item: input.item }, label }));
    expect(accuracy(withQuery, heldOut)).toBeGreaterThan(0.8);
    expect(accuracy(withoutQuery, itemOnly)).toBeLessThan(0.65);
  });

  test('an untrained model scores ½ and leaves the ranking exactly as it was', () => {
    const random = seededRandom(5);
    const model = new PreferenceModel({ dimension: DIM });
    const candidates = [0.9, 0.7, 0.7, 0.4, 0.1].map((score, i) => ({ id: `c${i}`, score, input: { item: randomVector(random), query: randomVector(random) } }));
    expect(model.score(candidates[0]?.input as PreferenceInput)).toBe(0.5);
    expect(model.influence).toBe(0);
    const ranked = model.rerank(candidates);
    expect(ranked.map((r) => r.candidate.id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    for (const r of ranked) expect(r.combined).toBe(r.relevance);
    expect(model.bestOfN(candidates.map(({ id, input }) => ({ id, input })))?.candidate.id).toBe('c0');
    expect(model.bestOfN([])).toBeUndefined();
  });

  test('after feedback, items like the liked ones move up and items like the disliked ones move down', () => {
    const random = seededRandom(21);
    const cooking = randomVector(random);
    const cars = randomVector(random);
    const near = (centre: readonly number[]) => centre.map((x) => x + 0.4 * gaussian(random));
    const model = new PreferenceModel({ dimension: DIM });
    for (let i = 0; i < 30; i++) {
      model.learnFeedback({ id: `f-up-${i}`, answerId: `a-up-${i}`, signal: 'up' }, { answer: { item: near(cooking) } });
      model.learnFeedback({ id: `f-down-${i}`, answerId: `a-down-${i}`, signal: 'down' }, { answer: { item: near(cars) } });
    }
    const candidates: PreferenceCandidate[] = [
      { id: 'cars-1', score: 1.0, input: { item: near(cars) } },
      { id: 'cooking-1', score: 0.8, input: { item: near(cooking) } },
      { id: 'cars-2', score: 0.75, input: { item: near(cars) } },
      { id: 'cooking-2', score: 0.5, input: { item: near(cooking) } },
    ];
    const ranked = model.rerank(candidates);
    expect(ranked.map((r) => r.candidate.id)).toEqual(['cooking-1', 'cars-1', 'cooking-2', 'cars-2']);
    const cookingFirst = ranked[0];
    expect(cookingFirst?.probability).toBeGreaterThan(0.9);
    expect(cookingFirst?.influence).toBeCloseTo(0.5 * (60 / 80), 12);
    // Best of n samples with no scores: the one the user would like.
    expect(model.bestOfN([{ id: 'x', input: { item: near(cars) } }, { id: 'y', input: { item: near(cooking) } }])?.candidate.id).toBe('y');
  });

  test('the same examples in the same order give bit-identical models', () => {
    const hidden = randomVector(seededRandom(1));
    const data = toyData(8, 200, hidden);
    const a = train(new PreferenceModel({ dimension: DIM }), data);
    const b = train(new PreferenceModel({ dimension: DIM }), data);
    expect(a.toJSON()).toEqual(b.toJSON());
  });
});

describe('PreferenceModel forgetting', () => {
  test('forget() leaves exactly the model trained without the forgotten examples', () => {
    const hidden = randomVector(seededRandom(1));
    const data = toyData(31, 120, hidden);
    // Examples 40–49 come from one deleted conversation; their labels are flipped so they pull the model hard.
    const poisoned = data.map((d, i) => ({ ...d, label: i >= 40 && i < 50 ? -d.label : d.label, source: i >= 40 && i < 50 ? 'deleted-event' : `e${i}` }));
    const model = new PreferenceModel({ dimension: DIM });
    for (const { input, label, source } of poisoned) model.update({ sourceIds: [source, 'session-1'], input }, label);
    const clean = new PreferenceModel({ dimension: DIM });
    for (const { input, label, source } of poisoned) if (source !== 'deleted-event') clean.update({ sourceIds: [source, 'session-1'], input }, label);

    const probe = toyData(99, 50, hidden).map((d) => d.input);
    const before = probe.map((p) => model.score(p));
    expect(Math.max(...before.map((p, i) => Math.abs(p - clean.score(probe[i] as PreferenceInput))))).toBeGreaterThan(1e-3);

    expect(model.forget(['deleted-event'])).toBe(10);
    expect(model.examplesKept).toBe(110);
    expect(model.examplesSeen).toBe(110);
    for (const p of probe) expect(model.score(p)).toBeCloseTo(clean.score(p), 12);
    expect(model.toJSON().weights).toEqual(clean.toJSON().weights);
    // Forgetting an unknown id changes nothing.
    expect(model.forget(['never-seen'])).toBe(0);
    expect(model.toJSON()).toEqual(clean.toJSON());
  });

  test('an edit teaches both answers and forgetting the feedback removes both', () => {
    const random = seededRandom(41);
    const model = new PreferenceModel({ dimension: DIM });
    const answer = { item: randomVector(random) };
    const edited = { item: randomVector(random) };
    const examples = feedbackExamples({ id: 'f1', answerId: 'a1', signal: 'edit' }, { answer, edited, sourceIds: ['q1'] });
    expect(examples.map((e) => e.label)).toEqual([FEEDBACK_LABELS.edit, 1]);
    expect(examples[0]?.example.sourceIds).toEqual(['f1', 'a1', 'q1']);
    model.learnFeedback({ id: 'f1', answerId: 'a1', signal: 'edit' }, { answer, edited, sourceIds: ['q1'] });
    expect(model.score(edited)).toBeGreaterThan(0.5);
    expect(model.score(answer)).toBeLessThan(0.5);
    expect(model.forget(['q1'])).toBe(2);
    expect(model.toJSON()).toEqual(new PreferenceModel({ dimension: DIM }).toJSON());
  });

  test('with examples aged out of the kept window, forget() retrains on the kept ones only', () => {
    const hidden = randomVector(seededRandom(1));
    const data = toyData(51, 30, hidden);
    const model = train(new PreferenceModel({ dimension: DIM, maxExamples: 10 }), data);
    expect(model.examplesKept).toBe(10);
    expect(model.examplesSeen).toBe(30);
    // 'ex3' aged out: its id can no longer be checked, so the model drops every influence it cannot account for.
    expect(model.forget(['ex3'])).toBe(0);
    const kept = train(new PreferenceModel({ dimension: DIM, maxExamples: 10 }), data.slice(20), 'ex');
    expect(model.toJSON().weights).toEqual(kept.toJSON().weights);
    expect(model.examplesSeen).toBe(10);
  });
});

describe('PreferenceModel storage and validation', () => {
  test('round-trips through plain JSON and keeps learning identically', () => {
    const hidden = randomVector(seededRandom(1));
    const data = toyData(61, 100, hidden);
    const model = new PreferenceModel({ dimension: DIM, scalars: ['retrieval'], space: 'persona-glove-100d:q8' });
    data.forEach(({ input, label }, i) => {
      model.update({ sourceIds: [`e${i}`], input: { ...input, query: i % 2 ? input.item : undefined, scalars: { retrieval: i / 100 } } }, label);
    });
    const text = JSON.stringify(model);
    const restored = PreferenceModel.fromJSON(JSON.parse(text));
    expect(JSON.stringify(restored)).toBe(text);
    expect(restored.options.space).toBe('persona-glove-100d:q8');
    expect(restored.examplesSeen).toBe(100);
    const probe = { item: data[0]?.input.item ?? [], scalars: { retrieval: 0.3 } };
    expect(restored.score(probe)).toBe(model.score(probe));
    for (const m of [model, restored]) m.update({ sourceIds: ['next'], input: probe }, -1);
    expect(restored.toJSON()).toEqual(model.toJSON());
    // The kept examples replay to the same weights after a round trip.
    restored.retrain();
    model.retrain();
    expect(restored.toJSON()).toEqual(model.toJSON());
  });

  test('rejects bad input with InvalidInputError', () => {
    const model = new PreferenceModel({ dimension: 4 });
    const ok = { sourceIds: ['e'], input: { item: [1, 0, 0, 0] } };
    expect(() => { model.update({ ...ok, input: { item: [1, 0, 0] } }, 1); }).toThrow(InvalidInputError);
    expect(() => { model.update({ ...ok, input: { item: [1, 0, 0, 0], query: [1, 2] } }, 1); }).toThrow(InvalidInputError);
    expect(() => { model.update({ ...ok, input: { item: [1, Number.NaN, 0, 0] } }, 1); }).toThrow(InvalidInputError);
    expect(() => { model.update(ok, Number.NaN); }).toThrow(InvalidInputError);
    expect(() => { model.update(ok, 0); }).toThrow(InvalidInputError);
    expect(() => { model.update({ ...ok, sourceIds: [] }, 1); }).toThrow(InvalidInputError);
    expect(() => { model.update({ ...ok, input: { item: [1, 0, 0, 0], scalars: { unknown: 1 } } }, 1); }).toThrow(InvalidInputError);
    expect(() => model.score({ item: [Number.POSITIVE_INFINITY, 0, 0, 0] })).toThrow(InvalidInputError);
    expect(() => model.rerank([{ id: 'a', score: Number.NaN, input: ok.input }])).toThrow(InvalidInputError);
    expect(() => new PreferenceModel({ dimension: 0 })).toThrow(InvalidInputError);
    expect(() => PreferenceModel.fromJSON({ format: 'something-else' })).toThrow(InvalidInputError);
    const json = JSON.parse(JSON.stringify(model)) as { weights: number[] };
    json.weights.pop();
    expect(() => PreferenceModel.fromJSON(json)).toThrow(InvalidInputError);
    expect(model.examplesSeen).toBe(0);
  });
});
