import { describe, expect, test } from 'vitest';
import { Bm25Index, DEFAULT_B, type Bm25Hit, type QueryTerm } from '../../../src/core/bm25';
import { SegmentIntegrityError } from '../../../src/core/errors';
import { buildPostings } from '../../../src/core/postings';
import { termFrequencies } from '../../../src/core/tokenizer';
import { seededRandom } from '../../support/seeded-random';


function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const doc = (entries: Record<string, number>): Map<string, number> => new Map(Object.entries(entries));

function build(documents: Record<string, Map<string, number>>, options?: ConstructorParameters<typeof Bm25Index>[0]): Bm25Index {
  const index = new Bm25Index(options);
  for (const [id, terms] of Object.entries(documents)) index.add(id, terms);
  return index;
}

describe('scores', () => {
  // |d1| = 3, |d2| = 4, |d3| = 3, so N = 3 and avgdl = 10/3.
  const corpus = {
    d1: doc({ apple: 2, banana: 1 }),
    d2: doc({ apple: 1, cherry: 3 }),
    d3: doc({ banana: 1, cherry: 1, date: 1 }),
  };

  /** Okapi BM25 written out term by term, independently of the index. */
  function expected(query: string[], id: keyof typeof corpus, k1 = 1.2, b = 0.75): number {
    const docs = Object.values(corpus);
    const n = docs.length;
    const lengthOf = (d: Map<string, number>): number => [...d.values()].reduce((s, f) => s + f, 0);
    const avgdl = docs.reduce((s, d) => s + lengthOf(d), 0) / n;
    const target = corpus[id];
    let score = 0;
    for (const term of query) {
      const tf = target.get(term) ?? 0;
      if (tf === 0) continue;
      const df = docs.filter((d) => d.has(term)).length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      score += (idf * (tf * (k1 + 1))) / (tf + k1 * (1 - b + (b * lengthOf(target)) / avgdl));
    }
    return score;
  }

  test('match the formula on a 3-document corpus', () => {
    const index = build(corpus, { b: 0.75 });
    // By hand: idf(date) = ln(1 + 2.5/1.5) = ln(8/3) ≈ 0.980829; K = 1.2·(0.25 + 0.75·3/(10/3)) = 1.11;
    // tf part = 1·2.2 / (1 + 1.11) ≈ 1.042654; score ≈ 1.022666.
    const [date] = index.search(['date']);
    expect(date?.id).toBe('d3');
    expect(date?.score).toBeCloseTo(1.022666, 5);

    for (const query of [['apple'], ['banana'], ['cherry'], ['apple', 'cherry'], ['banana', 'date', 'apple']]) {
      const hits = index.search(query, { limit: 10 });
      for (const hit of hits) expect(hit.score, `${query.join(' ')} → ${hit.id}`).toBeCloseTo(expected(query, hit.id as keyof typeof corpus), 12);
      const matching = (Object.keys(corpus) as (keyof typeof corpus)[]).filter((id) => expected(query, id) > 0);
      expect(hits.map((h) => h.id).sort()).toEqual(matching.sort());
    }
    expect(index.search(['apple', 'cherry'])[0]).toMatchObject({ id: 'd2', matchedTerms: ['apple', 'cherry'] });
  });

  test('default to k1 = 1.2 and b = DEFAULT_B (0.3: short history items are not penalised for their length)', () => {
    expect([new Bm25Index().k1, new Bm25Index().b, DEFAULT_B]).toEqual([1.2, 0.3, 0.3]);
    const hits = build(corpus).search(['cherry', 'date']);
    for (const hit of hits) expect(hit.score).toBeCloseTo(expected(['cherry', 'date'], hit.id as keyof typeof corpus, 1.2, 0.3), 12);
  });

  test('a group of variants scores as one term: tfs summed, df = documents holding any member', () => {
    // As if "cherry" and "cherries" were two terms of one word: the group must score like a single merged term.
    const split = build({ d1: doc({ apple: 2, banana: 1 }), d2: doc({ apple: 1, cherry: 2, cherries: 1 }), d3: doc({ banana: 1, cherries: 1, date: 1 }) }, { b: 0.75 });
    const merged = build(corpus, { b: 0.75 });
    const grouped = split.search([['cherry', 'cherries'], 'banana']);
    const want = merged.search(['cherry', 'banana']);
    expect(grouped.map((h) => h.id)).toEqual(want.map((h) => h.id));
    grouped.forEach((hit, i) => {
      expect(hit.score).toBeCloseTo(want[i]?.score ?? Number.NaN, 12);
    });
    // Members the document holds are the matched terms (its own words), in query order of the groups.
    expect(grouped.find((h) => h.id === 'd2')?.matchedTerms).toEqual(['cherries', 'cherry']);
    expect(grouped.find((h) => h.id === 'd3')?.matchedTerms).toEqual(['cherries', 'banana']);
    // A group of one, repeated groups, members absent from the index: the same as the plain term.
    expect(split.search([['cherry'], ['cherry', 'cherry', 'nowhere']])).toEqual(split.search(['cherry']));
    expect(split.search([['nowhere', 'never']])).toEqual([]);
  });

  test('k1 and b are configurable', () => {
    const index = build(corpus, { k1: 2, b: 0.3 });
    const hits = index.search(['cherry', 'banana']);
    for (const hit of hits) expect(hit.score).toBeCloseTo(expected(['cherry', 'banana'], hit.id as keyof typeof corpus, 2, 0.3), 12);
    expect(() => new Bm25Index({ b: 1.5 })).toThrow(RangeError);
    expect(() => new Bm25Index({ k1: -1 })).toThrow(RangeError);
  });

  test('a rarer term weighs more, and a shorter document beats a longer one with the same tf', () => {
    const filler = (n: number): Record<string, number> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, 1]));
    const index = build({
      rare: doc({ saffron: 1, rice: 1 }),
      common1: doc({ rice: 1, beans: 1 }),
      common2: doc({ rice: 1, corn: 1 }),
      common3: doc({ beans: 1, corn: 1 }),
      short: doc({ paella: 1, ...filler(2) }),
      long: doc({ paella: 1, ...filler(30) }),
    });
    const [first] = index.search(['saffron', 'beans']);
    expect(first?.id).toBe('rare'); // saffron is in 1 document, beans in 2
    expect(index.search(['paella']).map((h) => h.id)).toEqual(['short', 'long']);
  });

  test('every score is the formula to the last bit: lengths in and past the norm table, tf 1 and more, long lists, dead slots', () => {
    // The search reads per-length norms and, for long lists, per-length tf-1 contributions from tables; lengths past
    // the table (4,096) are computed in place. All of it must give exactly the bits of the formula computed directly.
    const random = seededRandom(5);
    const index = new Bm25Index();
    const lengths = new Map<string, number>();
    const tfs = new Map<string, Map<string, number>>();
    for (let i = 0; i < 6_000; i++) {
      const terms = new Map<string, number>();
      if (random() < 0.8) terms.set('x', random() < 0.8 ? 1 : 2 + Math.floor(random() * 3));
      if (random() < 0.3) terms.set('xs', 1);
      if (random() < 0.1) terms.set('y', 1 + Math.floor(random() * 2));
      terms.set(`pad${i % 50}`, 1 + Math.floor(random() * 20));
      if (i % 1_000 === 7) terms.set('long', 5_000 + i); // past the norm table
      const id = `d${i}`;
      index.add(id, terms);
      tfs.set(id, terms);
      lengths.set(id, [...terms.values()].reduce((sum, f) => sum + f, 0));
    }
    for (let i = 0; i < 6_000; i += 7) {
      index.remove(`d${i}`);
      tfs.delete(`d${i}`);
      lengths.delete(`d${i}`);
    }
    const n = tfs.size;
    const avgdl = [...lengths.values()].reduce((sum, l) => sum + l, 0) / n;
    const { k1, b } = index;
    const contribution = (members: readonly string[], id: string): number => {
      const terms = tfs.get(id) as Map<string, number>;
      // Each stored frequency saturates at 255 (the index keeps one byte per posting); the length keeps every word.
      const tf = members.reduce((sum, m) => sum + Math.min(255, terms.get(m) ?? 0), 0);
      if (tf === 0) return 0;
      const df = [...tfs.values()].filter((t) => members.some((m) => t.has(m))).length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      return (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * (lengths.get(id) as number)) / avgdl));
    };
    for (const query of [['x'], ['y', 'x'], [['x', 'xs'], 'y'], ['long', 'y']] as (string | string[])[][]) {
      // Groups are scored in key order (members sorted, joined), plain terms by themselves.
      const groups = query.map((term) => (typeof term === 'string' ? [term] : [...term].sort())).sort((p, q) => (p.join('\u0000') < q.join('\u0000') ? -1 : 1));
      const hits = index.search(query, { limit: 200 });
      expect(hits.length).toBe(200);
      for (const hit of hits) expect(hit.score, `${JSON.stringify(query)} → ${hit.id}`).toBe(groups.reduce((sum, members) => sum + contribution(members, hit.id), 0));
    }
  });

  test('a vocabulary past 65,536 terms: matched terms, removal and compaction stay right', () => {
    const index = new Bm25Index({ compaction: { minDeadSlots: 1, deadFraction: 0.01 } });
    // 700 documents of 100 terms of their own: 70,000 distinct terms.
    for (let d = 0; d < 700; d++) index.add(`d${d}`, new Map(Array.from({ length: 100 }, (_, t) => [`t${d * 100 + t}`, 1 + (t % 3)])));
    expect(index.stats().terms).toBe(70_000);
    const hit = index.search(['t69999', 't69950', 't5'], { limit: 5 });
    expect(hit.map((h) => [h.id, h.matchedTerms])).toEqual([['d699', ['t69999', 't69950']], ['d0', ['t5']]]);
    // Removing documents drops their terms from the vocabulary's live count, and compaction renumbers the rest.
    for (let d = 0; d < 690; d++) index.remove(`d${d}`);
    expect(index.hasTerm('t5')).toBe(false);
    expect(index.stats()).toMatchObject({ documents: 10, terms: 1_000, deadSlots: 0 });
    // t69001 has tf 2 in d690, t69999 tf 1 in d699.
    expect(index.search(['t69999', 't69001'], { limit: 5 }).map((h) => [h.id, h.matchedTerms])).toEqual([
      ['d690', ['t69001']],
      ['d699', ['t69999']],
    ]);
  });

  test('ties are ordered by id, query terms count once, and order of query terms does not matter', () => {
    const index = build({ b: doc({ x: 1 }), c: doc({ x: 1 }), a: doc({ x: 1 }), z: doc({ y: 1 }) });
    expect(index.search(['x']).map((h) => h.id)).toEqual(['a', 'b', 'c']);
    expect(index.search(['x', 'x', 'x'])).toEqual(index.search(['x']));
    const scoresOf = (hits: Bm25Hit[]): [string, number][] => hits.map((h) => [h.id, h.score]);
    expect(scoresOf(index.search(['y', 'x']))).toEqual(scoresOf(index.search(['x', 'y'])));
    expect(index.search(['nothing'])).toEqual([]);
    expect(index.search([])).toEqual([]);
  });

  test('rank is search without matched terms, and matchedTerms gives the same terms for any chosen hits', () => {
    const random = seededRandom(17);
    const vocabulary = Array.from({ length: 12 }, (_, i) => `v${i}`);
    const index = new Bm25Index();
    for (let i = 0; i < 300; i++) index.add(`doc${i}`, new Map(Array.from({ length: 1 + Math.floor(random() * 4) }, () => [pick(random, vocabulary), 1 + Math.floor(random() * 3)] as const)));
    for (let i = 0; i < 300; i += 9) index.remove(`doc${i}`);
    for (const query of [['v1'], ['v2', 'v3'], [['v4', 'v5'], 'v1'], ['v0', 'absent']] as QueryTerm[][]) {
      const hits = index.search(query, { limit: 40 });
      expect(hits.length).toBeGreaterThan(0);
      expect(index.rank(query, { limit: 40 })).toEqual(hits.map(({ id, score }) => ({ id, score })));
      const chosen = hits.filter((_, i) => i % 3 === 0);
      expect(index.matchedTerms([...chosen.map((hit) => hit.id), 'doc0', 'unknown'], query)).toEqual([...chosen.map((hit) => hit.matchedTerms), [], []]);
    }
  });
});

describe('updates', () => {
  test('add, replace, remove, has and size', () => {
    const index = new Bm25Index();
    index.add('a', doc({ soup: 1 }));
    index.add('b', doc({ soup: 2, bread: 1 }));
    expect(index.size).toBe(2);
    index.add('a', doc({ bread: 1 })); // replaces
    expect(index.size).toBe(2);
    expect(index.search(['soup']).map((h) => h.id)).toEqual(['b']);
    expect(index.remove('b')).toBe(true);
    expect(index.remove('b')).toBe(false);
    expect(index.has('b')).toBe(false);
    expect(index.has('a')).toBe(true);
    expect(index.search(['soup'])).toEqual([]);
    expect(index.search(['bread']).map((h) => h.id)).toEqual(['a']);
    expect(() => { index.add('c', doc({ bad: 0 })); }).toThrow(RangeError);
    expect(() => { index.add('c', doc({ bad: 1.5 })); }).toThrow(RangeError);
    expect(index.has('c')).toBe(false);
  });

  test('filter restricts the ranking; limit bounds it', () => {
    const index = build({ a: doc({ tea: 3 }), b: doc({ tea: 2 }), c: doc({ tea: 1 }), d: doc({ coffee: 1 }) });
    expect(index.search(['tea'], { filter: (id) => id !== 'a' }).map((h) => h.id)).toEqual(['b', 'c']);
    expect(index.search(['tea'], { limit: 1 }).map((h) => h.id)).toEqual(['a']);
    expect(index.search(['tea'], { limit: 0 })).toEqual([]);
    expect(() => index.search(['tea'], { limit: -1 })).toThrow(RangeError);
    // A throwing filter leaves no stale scores behind.
    expect(() => index.search(['tea'], { filter: () => { throw new Error('boom'); } })).toThrow('boom');
    expect(index.search(['tea'])).toEqual(build({ a: doc({ tea: 3 }), b: doc({ tea: 2 }), c: doc({ tea: 1 }), d: doc({ coffee: 1 }) }).search(['tea']));
  });

  test('without compaction, document frequencies are exact right after removals (recounted, not read from a forward index)', () => {
    const index = new Bm25Index({ compaction: { minDeadSlots: 1_000_000, deadFraction: 1 } });
    const fresh = new Bm25Index();
    for (let d = 0; d < 30; d++) {
      const terms = new Map([['common', 1 + (d % 2)], [`rare${d % 5}`, 1]]);
      index.add(`d${d}`, terms);
      if (d % 3 !== 0) fresh.add(`d${d}`, terms);
    }
    expect(index.search(['rare0'], { limit: 30 })).toHaveLength(6);
    for (let d = 0; d < 30; d += 3) index.remove(`d${d}`);
    // rare0 was in d0, d5, d10, d15, d20, d25: d0, d15 are gone, so its df is 4, as in a fresh build.
    expect(index.stats()).toMatchObject({ documents: 20, deadSlots: 10 });
    expect(index.search(['rare0', 'common'], { limit: 30 })).toEqual(fresh.search(['rare0', 'common'], { limit: 30 }));
    for (const d of [5, 10, 20, 25]) index.remove(`d${d}`);
    expect(index.hasTerm('rare0')).toBe(false);
    expect(index.search(['rare0'])).toEqual([]);
  });

  test('random adds, replaces and removes score exactly like a fresh build of the final corpus', () => {
    const random = seededRandom(2024);
    const vocabulary = Array.from({ length: 40 }, (_, i) => `t${i}`);
    const ids = Array.from({ length: 50 }, (_, i) => `doc-${i}`);
    // Small compaction thresholds so compaction happens many times during the run.
    const index = new Bm25Index({ compaction: { minDeadSlots: 4, deadFraction: 0.2 } });
    const model = new Map<string, Map<string, number>>();
    const queries = Array.from({ length: 12 }, () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(random, vocabulary)));

    const check = (): void => {
      const fresh = new Bm25Index();
      for (const id of [...model.keys()].sort()) fresh.add(id, model.get(id) as Map<string, number>);
      expect(index.size).toBe(model.size);
      for (const id of ids) expect(index.has(id)).toBe(model.has(id));
      for (const query of queries) expect(index.search(query, { limit: 100 })).toEqual(fresh.search(query, { limit: 100 }));
    };

    for (let op = 0; op < 400; op++) {
      const id = pick(random, ids);
      if (random() < 0.35) {
        expect(index.remove(id)).toBe(model.delete(id));
      } else {
        // Skewed term choice so some terms are common and some rare; occasionally an empty document.
        const terms = new Map<string, number>();
        const count = Math.floor(random() * 8);
        for (let i = 0; i < count; i++) {
          const term = vocabulary[Math.floor(random() * random() * vocabulary.length)] as string;
          terms.set(term, (terms.get(term) ?? 0) + 1 + Math.floor(random() * 3));
        }
        index.add(id, terms);
        model.set(id, terms);
      }
      if (op % 25 === 0) check();
    }
    check();
    index.compact();
    expect(index.stats().deadSlots).toBe(0);
    expect(index.stats().slots).toBe(model.size);
    check();
  });
});

describe('loading postings segments', () => {
  const random = seededRandom(11);
  const vocabulary = Array.from({ length: 30 }, (_, i) => `w${i}`);
  const makeDoc = (): Map<string, number> => {
    const terms = new Map<string, number>();
    for (let i = 0; i < 1 + Math.floor(random() * 6); i++) terms.set(pick(random, vocabulary), 1 + Math.floor(random() * 4));
    return terms;
  };

  test('equals adding the same live documents', () => {
    // Three segments; some slots tombstoned, and "s0-3" superseded by a later segment's copy.
    const segments = [0, 1, 2].map((s) => {
      const ids = Array.from({ length: 9 }, (_, i) => (s === 2 && i === 8 ? 's0-3' : `s${s}-${i}`));
      const documents = ids.map(() => makeDoc());
      const live = new Uint8Array(ids.map((id, i) => ((id === 's0-3' && s === 0) || (i * 7 + s) % 5 === 0 ? 0 : 1)));
      return { ids, documents, live, postings: buildPostings(documents) };
    });
    const loaded = Bm25Index.fromSegments({ segments });
    const added = new Bm25Index();
    for (const segment of segments) {
      segment.ids.forEach((id, slot) => {
        if (segment.live[slot]) added.add(id, segment.documents[slot] as Map<string, number>);
      });
    }
    expect(loaded.size).toBe(added.size);
    expect(loaded.stats()).toEqual(added.stats());
    for (let q = 0; q < 20; q++) {
      const query = [pick(random, vocabulary), pick(random, vocabulary)];
      expect(loaded.search(query, { limit: 50 })).toEqual(added.search(query, { limit: 50 }));
    }
    // Loading into a non-empty index replaces the ids it already holds.
    const before = loaded.size;
    loaded.loadSegments({ segments: [{ ids: ['s1-1'], live: new Uint8Array([1]), postings: buildPostings([new Map([['fresh', 1]])]) }] });
    expect(loaded.size).toBe(before);
    expect(loaded.search(['fresh']).map((h) => h.id)).toEqual(['s1-1']);
  });

  test('an id live in two segments is taken from the later one', () => {
    const index = Bm25Index.fromSegments({
      segments: [
        { ids: ['a', 'b'], live: new Uint8Array([1, 1]), postings: buildPostings([new Map([['old', 1]]), new Map([['x', 1]])]) },
        { ids: ['a'], live: new Uint8Array([1]), postings: buildPostings([new Map([['new', 1]])]) },
      ],
    });
    expect(index.size).toBe(2);
    expect(index.search(['old'])).toEqual([]);
    expect(index.search(['new']).map((h) => h.id)).toEqual(['a']);
  });

  test('refuses malformed segments', () => {
    const index = new Bm25Index();
    expect(() => { index.loadSegments({ segments: [{ ids: ['a'], live: new Uint8Array([1]) }] }); }).toThrow(SegmentIntegrityError);
    const payload = buildPostings([new Map([['x', 1]]), new Map([['x', 1]])]);
    expect(() => { new Bm25Index().loadSegments({ segments: [{ ids: ['a'], live: new Uint8Array([1]), postings: payload }] }); }).toThrow(SegmentIntegrityError);
    // Postings out of slot order are refused before anything changes.
    const scrambled = buildPostings([new Map([['x', 1]]), new Map([['x', 2]])]);
    scrambled.docs.reverse();
    const before = build({ keep: doc({ x: 1 }) });
    expect(() => { before.loadSegments({ segments: [{ ids: ['a', 'b'], live: new Uint8Array([1, 1]), postings: scrambled }] }); }).toThrow(SegmentIntegrityError);
    expect(before.size).toBe(1);
    expect(before.search(['x']).map((h) => h.id)).toEqual(['keep']);
    // A segment with nothing live is skipped, postings or not.
    index.loadSegments({ segments: [{ ids: ['a'], live: new Uint8Array([0]) }] });
    expect(index.size).toBe(0);
  });
});

test('tokenized texts in several scripts are found by queries in the same script', () => {
  const texts: Record<string, string> = {
    en: 'Saved three pasta recipes with fresh basil',
    zh: '我喜欢吃北京烤鸭和饺子',
    ja: '東京で美味しいラーメンを食べました',
    th: 'ฉันชอบกินข้าวผัดกุ้ง',
    ar: 'أحب الطبخ الإيطالي',
    ru: 'Я люблю итальянскую кухню',
  };
  const index = new Bm25Index();
  for (const [id, text] of Object.entries(texts)) index.add(id, termFrequencies(text));
  const top = (query: string): string | undefined => index.search(termFrequencies(query).keys(), { limit: 1 })[0]?.id;
  expect(top('pasta recipe')).toBe('en');
  expect(top('北京烤鸭')).toBe('zh');
  expect(top('ラーメン')).toBe('ja');
  expect(top('ข้าวผัด')).toBe('th');
  expect(top('الطبخ')).toBe('ar');
  expect(top('кухню')).toBe('ru');
});

test('100k documents: build, delete a share, and find the planted document', () => {
  const random = seededRandom(100_000);
  const index = new Bm25Index();
  const vocabularySize = 20_000;
  for (let i = 0; i < 100_000; i++) {
    const terms = new Map<string, number>();
    for (let t = 0; t < 12; t++) {
      // Roughly Zipfian: small term numbers are much more frequent.
      const term = `t${Math.floor(vocabularySize ** random()) - 1}`;
      terms.set(term, (terms.get(term) ?? 0) + 1);
    }
    if (i === 73_423) terms.set('needle', 2).set('haystack', 1);
    if (i === 5) terms.set('needle', 1);
    index.add(`doc-${i}`, terms);
  }
  for (let i = 0; i < 100_000; i += 7) if (i !== 73_423) index.remove(`doc-${i}`);
  expect(index.size).toBe(100_000 - Math.ceil(100_000 / 7) + 1);
  const hits: Bm25Hit[] = index.search(['needle', 'haystack', 't0', 't1'], { limit: 10 });
  expect(hits[0]?.id).toBe('doc-73423');
  expect(hits[0]?.matchedTerms.slice(0, 2)).toEqual(['needle', 'haystack']);
  expect(hits).toHaveLength(10);
  expect(index.search(['needle'], { filter: (id) => id !== 'doc-73423' }).map((h) => h.id)).toEqual(['doc-5']);
});
