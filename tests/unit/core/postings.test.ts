import { expect, test } from 'vitest';
import { buildPostings, documentsOf, facetsOf, postingsOf } from '../../../src/core/postings';

test('postings round-trip term frequencies and find terms by binary search', () => {
  const documents = [new Map([['b', 1], ['a', 2]]), new Map<string, number>(), new Map([['a', 1], ['c', 70_000]])];
  const payload = buildPostings(documents);
  expect(payload.terms).toEqual(['a', 'b', 'c']);
  expect(Array.from(postingsOf(payload, 'a').docs)).toEqual([0, 2]);
  expect(Array.from(postingsOf(payload, 'c').freqs)).toEqual([65_535]);
  expect(postingsOf(payload, 'zzz').docs.length).toBe(0);
  expect(Array.from(payload.docLengths)).toEqual([3, 0, 70_001]);
  expect(documentsOf(payload).map((d) => Object.fromEntries(d))).toEqual([{ a: 2, b: 1 }, {}, { a: 1, c: 65_535 }]);
  expect(() => buildPostings([new Map([['a', 0]])])).toThrow(RangeError);
});

test('facets travel with a payload only when every document has them', () => {
  const terms = [new Map([['a', 1]]), new Map([['b', 2]])];
  const facets = [
    { ts: 1_700_000_000_000, kind: 'note' as const, source: 'app' },
    { ts: 5, kind: 'rating' as const, source: 'widget:films' },
  ];
  expect(facetsOf(buildPostings(terms, facets))).toEqual(facets);
  expect(buildPostings(terms, [facets[0], undefined]).facets).toBeUndefined();
  expect(facetsOf(buildPostings(terms))).toEqual([undefined, undefined]);
});
