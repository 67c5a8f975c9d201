// A crafted postings segment in an import must be refused before it can reach the keyword index, which would
// otherwise fail to load on every start.
import { expect, test } from 'vitest';
import { buildPostings } from '../../../src/core/postings';
import { decodeSegment, encodeSegment } from '../../../src/store/transfer/segment-codec';
import { littleEndianBytes, toBase64 } from '../../../src/store/transfer/bytes';

const good = encodeSegment({
  space: 'postings:words-v1',
  kind: 'postings',
  model: 'words-v1',
  dim: 0,
  ids: ['a', 'b'],
  createdAt: 1,
  postings: buildPostings([new Map([['x', 1]]), new Map([['x', 2]])]),
});

test('a well-formed postings segment decodes', () => {
  expect('segment' in decodeSegment(good)).toBe(true);
});

test.each([
  ['out of order', [1, 0]],
  ['repeated', [0, 0]],
])('postings %s are refused with a reason', (_, docs) => {
  if (good.kind !== 'postings') throw new Error('expected a postings segment');
  const crafted = { ...good, postings: { ...good.postings, docs: toBase64(littleEndianBytes(Uint32Array.from(docs))) } };
  const result = decodeSegment(crafted);
  expect(result).toEqual({ problem: expect.stringMatching(/ascending order, once each/) as unknown });
});
