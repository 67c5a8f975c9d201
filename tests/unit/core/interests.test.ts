import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors';
import { InterestModel, type Interest, type InterestItem } from '../../../src/core/interests';
import { wordsTokenizer } from '../../../src/core/tokenizer';
import { seededRandom } from '../../support/seeded-random';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const NOW = Date.UTC(2026, 0, 1);
const DIM = 100;

const VOCABULARY = {
  hiking: ['trail', 'mountain', 'summit', 'boots', 'hike', 'ridge'],
  cooking: ['recipe', 'pasta', 'garlic', 'oven', 'sauce', 'basil'],
  music: ['guitar', 'chord', 'album', 'concert', 'melody', 'drums'],
  finance: ['budget', 'stocks', 'invest', 'savings', 'taxes', 'dividend'],
} as const;
type Topic = keyof typeof VOCABULARY;
const TOPICS = Object.keys(VOCABULARY) as Topic[];
/** Words every topic uses, plus what a label must never show: stop words and numbers. */
const FILLER = ['today', 'really', 'thing', 'the', 'and', '2024', '12.50', 'x'];

/** Mulberry32 rather than a linear congruential generator: consecutive LCG draws are correlated, which skews Box–Muller. */
const random = seededRandom;

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

function unit(values: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(values);
  const length = Math.hypot(...out);
  return out.map((x) => x / length);
}

/** Items drawn around one random centre per topic, each with a few of its topic's words and some filler. */
class Corpus {
  private readonly rand: () => number;
  readonly centres: Record<Topic, Float32Array>;

  constructor(seed = 42) {
    this.rand = random(seed);
    const centres = {} as Record<Topic, Float32Array>;
    for (const topic of TOPICS) centres[topic] = unit(Array.from({ length: DIM }, () => gaussian(this.rand)));
    this.centres = centres;
  }

  item(topic: Topic, index: number, ts: number, extra: string[] = []): InterestItem {
    const centre = this.centres[topic];
    const vocabulary = VOCABULARY[topic];
    const terms = [...extra];
    for (let i = 0; i < 3; i++) terms.push(vocabulary[Math.floor(this.rand() * vocabulary.length)] as string);
    for (let i = 0; i < 2; i++) terms.push(FILLER[Math.floor(this.rand() * FILLER.length)] as string);
    return { id: `${topic}-${index}`, vector: unit(Array.from(centre, (x) => x + 0.15 * gaussian(this.rand))), terms, ts };
  }

  items(topic: Topic, count: number, ts: (i: number) => number = () => NOW - DAY, extra?: (i: number) => string[]): InterestItem[] {
    return Array.from({ length: count }, (_, i) => this.item(topic, i, ts(i), extra?.(i)));
  }
}

function topicOf(eventId: string): string {
  return eventId.split('-')[0] as string;
}

/** The interest whose members all come from `topic`, failing if the topic is split or mixed. */
function interestFor(interests: readonly Interest[], topic: Topic): Interest {
  const found = interests.filter((interest) => interest.eventIds.some((id) => topicOf(id) === topic));
  expect(found).toHaveLength(1);
  return found[0] as Interest;
}

/** Everything but the ids, which are the only part allowed to remember history. */
function content(interests: readonly Interest[]) {
  return interests.map(({ id: _id, centroid, ...rest }) => ({ ...rest, centroid: Array.from(centroid) }));
}

function plantedModel(seed = 1): { model: InterestModel; corpus: Corpus } {
  const corpus = new Corpus();
  const model = new InterestModel({ seed });
  for (const topic of TOPICS) model.add(corpus.items(topic, 60, (i) => NOW - (i % 50) * DAY));
  return { model, corpus };
}

describe('clustering planted topics', () => {
  test('four topics become four interests, each pure and labelled with its own words', () => {
    const { model } = plantedModel();
    const interests = model.interests(NOW);
    expect(interests).toHaveLength(4);
    for (const topic of TOPICS) {
      const interest = interestFor(interests, topic);
      expect(interest.count).toBe(60);
      expect(interest.eventIds.every((id) => topicOf(id) === topic)).toBe(true);
      expect(interest.label).toHaveLength(5);
      for (const term of interest.label) expect(VOCABULARY[topic]).toContain(term);
      expect(Math.hypot(...interest.centroid)).toBeCloseTo(1, 5);
      expect(interest.centroid.length).toBe(DIM);
    }
  });

  test('stop words, numbers, one-letter terms and words shared by every topic never label an interest', () => {
    const { model } = plantedModel();
    const labels = model.interests(NOW).flatMap((interest) => interest.label);
    for (const word of FILLER) expect(labels).not.toContain(word);
  });

  test('takes the tokenizer output as is, term counts included', () => {
    const texts: Record<'hiking' | 'cooking', string[]> = {
      hiking: ['Hiked the mountain trail to the summit', 'New boots for the mountain trail', 'The summit trail was icy'],
      cooking: ['Garlic pasta recipe with basil', 'Basil sauce recipe for pasta night', 'Roasted garlic in the oven'],
    };
    const corpus = new Corpus();
    const model = new InterestModel();
    for (const topic of ['hiking', 'cooking'] as const) {
      texts[topic].forEach((text, i) => {
        const item = corpus.item(topic, i, NOW);
        model.add({ ...item, terms: wordsTokenizer.termFrequencies(text) });
      });
    }
    const interests = model.interests(NOW);
    expect(interests).toHaveLength(2);
    expect(interestFor(interests, 'hiking').label.slice(0, 3).sort()).toEqual(['mountain', 'summit', 'trail']);
    expect(interestFor(interests, 'cooking').label.slice(0, 3).sort()).toEqual(['basil', 'garlic', 'pasta']);
  });

  test('one item is one interest; no items, none', () => {
    const corpus = new Corpus();
    const model = new InterestModel();
    expect(model.interests(NOW)).toEqual([]);
    model.add(corpus.item('music', 0, NOW - DAY, ['guitar']));
    const [only, ...rest] = model.interests(NOW);
    expect(rest).toEqual([]);
    expect(only?.weight).toBe(1);
    expect(only?.eventIds).toEqual(['music-0']);
    expect(only?.label).toContain('guitar');
  });
});

describe('weights and trend', () => {
  test('frequency: at the same recency, weight is the share of items', () => {
    const corpus = new Corpus();
    const model = new InterestModel();
    model.add([...corpus.items('hiking', 80), ...corpus.items('cooking', 40), ...corpus.items('music', 20)]);
    const interests = model.interests(NOW);
    expect(interests.map((interest) => topicOf(interest.eventIds[0] as string))).toEqual(['hiking', 'cooking', 'music']);
    const weights = interests.map((interest) => interest.weight);
    [80 / 140, 40 / 140, 20 / 140].forEach((share, i) => {
      expect(weights[i]).toBeCloseTo(share, 10);
    });
    expect(interests.reduce((sum, interest) => sum + interest.weight, 0)).toBeCloseTo(1, 12);
  });

  test('recency: an interest three half-lives old weighs an eighth of an equally large current one', () => {
    const corpus = new Corpus();
    const model = new InterestModel({ halfLifeDays: 30 });
    model.add([...corpus.items('hiking', 30, () => NOW - 90 * DAY), ...corpus.items('cooking', 30, () => NOW)]);
    const interests = model.interests(NOW);
    const old = interestFor(interests, 'hiking');
    const current = interestFor(interests, 'cooking');
    expect(current.weight / old.weight).toBeCloseTo(8, 10);
    expect(interests[0]).toBe(current);
    // Seen from 90 days later the cooking interest has aged too, but frequency and recency still decide together.
    const later = model.interests(NOW + 90 * DAY);
    expect(interestFor(later, 'cooking').weight / interestFor(later, 'hiking').weight).toBeCloseTo(8, 10);
  });

  test('trend counts members per week, oldest first, ending at now; lastSeen is the newest member', () => {
    const corpus = new Corpus();
    const model = new InterestModel({ trendBuckets: 4 });
    const ages = [0, 1, 2, 6, 8, 20, 27, 40, 200]; // days before NOW; 40 and 200 fall outside four weeks
    model.add(ages.map((age, i) => corpus.item('finance', i, NOW - age * DAY)));
    const [finance] = model.interests(NOW);
    expect(finance?.trend).toEqual([1, 1, 1, 4]);
    expect(finance?.lastSeen).toBe(NOW);
    expect(finance?.eventIds[0]).toBe('finance-0');
    expect(model.interests(NOW + WEEK)[0]?.trend).toEqual([1, 1, 4, 0]);
  });
});

describe('forgetting', () => {
  test('removed items take their words out of the label, and leave the model as if they had never been added', () => {
    const corpus = new Corpus();
    const hiking = corpus.items('hiking', 40, (i) => NOW - i * DAY, (i) => (i < 6 ? ['zeppelin', 'zeppelin', 'zeppelin'] : []));
    const others = [...corpus.items('cooking', 40), ...corpus.items('music', 40)];
    const model = new InterestModel();
    model.add([...hiking, ...others]);
    expect(interestFor(model.interests(NOW), 'hiking').label).toContain('zeppelin');

    const forgotten = hiking.slice(0, 6).map((item) => item.id);
    expect(model.remove([...forgotten, 'never-added'])).toBe(6);
    const after = model.interests(NOW);
    expect(after.flatMap((interest) => interest.label)).not.toContain('zeppelin');
    expect(after.flatMap((interest) => interest.eventIds)).not.toEqual(expect.arrayContaining([forgotten[0]]));

    const fresh = new InterestModel();
    fresh.add([...hiking.slice(6), ...others]);
    expect(content(after)).toEqual(content(fresh.interests(NOW)));
    expect(JSON.stringify(model.serialize().items)).not.toContain('zeppelin');
  });

  test('removing a whole topic removes its interest; the others keep their ids', () => {
    const { model } = plantedModel();
    const before = model.interests(NOW);
    const music = interestFor(before, 'music');
    model.remove(music.eventIds);
    const after = model.interests(NOW);
    expect(after).toHaveLength(3);
    expect(after.map((interest) => interest.id)).not.toContain(music.id);
    for (const topic of TOPICS.filter((t) => t !== 'music')) expect(interestFor(after, topic).id).toBe(interestFor(before, topic).id);
    expect(after.reduce((sum, interest) => sum + interest.weight, 0)).toBeCloseTo(1, 12);
  });
});

describe('determinism and stable ids', () => {
  test('the same seed and items give the same interests, whatever order the items arrived in', () => {
    const corpus = new Corpus();
    const items = TOPICS.flatMap((topic) => corpus.items(topic, 50, (i) => NOW - i * DAY));
    const shuffled = [...items];
    const rand = random(9);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j] as InterestItem, shuffled[i] as InterestItem];
    }
    const a = new InterestModel({ seed: 5 });
    a.add(items);
    const b = new InterestModel({ seed: 5 });
    for (const item of shuffled) b.add(item);
    expect(b.interests(NOW)).toEqual(a.interests(NOW));
  });

  test('ids survive small updates and adding to a topic', () => {
    const { model, corpus } = plantedModel();
    const before = new Map(TOPICS.map((topic) => [topic, interestFor(model.interests(NOW), topic).id]));
    model.add(Array.from({ length: 5 }, (_, i) => corpus.item('cooking', 100 + i, NOW)));
    model.remove(['hiking-3', 'finance-7']);
    const after = model.interests(NOW);
    for (const topic of TOPICS) expect(interestFor(after, topic).id).toBe(before.get(topic));
    expect(interestFor(after, 'cooking').count).toBe(65);
  });

  test('re-adding an id replaces the item', () => {
    const corpus = new Corpus();
    const model = new InterestModel();
    model.add(corpus.items('hiking', 10));
    model.add({ ...corpus.item('music', 0, NOW), id: 'hiking-0' });
    expect(model.size).toBe(10);
    const labels = model.interests(NOW).flatMap((interest) => interest.label);
    expect(labels.some((term) => (VOCABULARY.music as readonly string[]).includes(term))).toBe(false);
  });

  test('serialize and deserialize keep the items and the ids', () => {
    const { model } = plantedModel();
    const before = model.interests(NOW);
    const snapshot = structuredClone(model.serialize());
    const restored = InterestModel.deserialize(snapshot, { seed: 1 });
    expect(restored.size).toBe(model.size);
    expect(restored.interests(NOW)).toEqual(before);
  });
});

describe('bad input', () => {
  const corpus = new Corpus();
  const good = corpus.item('hiking', 0, NOW);

  test.each([
    ['an empty id', { ...good, id: '' }, 'items[1].id'],
    ['a zero vector', { ...good, id: 'z', vector: new Float32Array(DIM) }, 'items[1].vector'],
    ['a NaN in the vector', { ...good, id: 'z', vector: new Float32Array(DIM).fill(Number.NaN) }, 'items[1].vector'],
    ['another dimension', { ...good, id: 'z', vector: unit([1, 2, 3]) }, 'items[1].vector'],
    ['a timestamp that is not a number', { ...good, id: 'z', ts: Number.NaN }, 'items[1].ts'],
    ['terms that are not strings', { ...good, id: 'z', terms: [1] as unknown as string[] }, 'items[1].terms'],
  ])('%s is refused with the field named, and nothing of the batch is kept', (_, bad, field) => {
    const model = new InterestModel();
    let error: unknown;
    try {
      model.add([good, bad]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe(field);
    expect(model.size).toBe(0);
  });

  test('options, now and snapshots are checked', () => {
    expect(() => new InterestModel({ halfLifeDays: 0 })).toThrow(InvalidInputError);
    expect(() => new InterestModel({ maxInterests: 2.5 })).toThrow(InvalidInputError);
    expect(() => new InterestModel().interests(Number.NaN)).toThrow(InvalidInputError);
    const model = new InterestModel();
    model.add(good);
    const snapshot = model.serialize();
    expect(() => InterestModel.deserialize({ ...snapshot, vectors: new Float32Array(3) })).toThrow(InvalidInputError);
    expect(() => InterestModel.deserialize({ ...snapshot, version: 2 as 1 })).toThrow(InvalidInputError);
  });
});
